package scar.exec;

/**
 * How the JVM starts processes. By default (POSIX_SPAWN) every container start goes through
 * {@code jspawnhelper}, an extra program loaded and executed before proot; {@code vfork} execs
 * proot directly. Measured here: 1.3 s against 2.2 s of CPU per 1,000 starts, which is a batch's
 * per-file budget. Chosen once, at start-up, before the first process: the JDK reads it once.
 */
public final class ProcessLaunch {
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";

    private ProcessLaunch() {
    }

    /**
     * Uses vfork unless the user chose a mechanism. Only on JDKs known to have it (up to 21):
     * later ones deprecate it, and an unknown value would stop every process from starting.
     */
    public static void preferVfork() {
        if (System.getProperty(PROPERTY) == null && Runtime.version().feature() <= 21
                && System.getProperty("os.name", "").equals("Linux")) {
            System.setProperty(PROPERTY, "VFORK");
        }
    }
}
