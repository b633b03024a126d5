package scar.exec;

/** The bwrap executor (needs user namespaces, as on this machine); its cases are in the base. */
class BwrapExecutorTest extends NamespaceExecutorTestBase {
    @Override
    ContainerExecutor newExecutor() {
        return new BwrapExecutor();
    }

    @Override
    String sleepTag() {
        return "532";
    }
}
