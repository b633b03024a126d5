package scar.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a container with bubblewrap: user and PID namespaces instead of ptrace, so system calls
 * run at native speed. Needs unprivileged user namespaces (not on Lambda: use proot there).
 *
 * <p>The container is its own PID namespace: when its main process ends, the kernel kills
 * everything else in it, as Docker does, and killing bwrap at the deadline
 * ({@code --die-with-parent}) takes the whole namespace with it. bwrap's exit status is the main
 * process's, 128+N for a signal.
 */
public final class BwrapExecutor implements ContainerExecutor {

    private final Path bwrap;
    private final long outputCap;

    /**
     * Finds bwrap and checks that it can make a namespace here.
     *
     * @throws IllegalStateException saying why not, and what to do
     */
    public BwrapExecutor() {
        this(ProotExecutorPaths.onPath("bwrap").orElseThrow(() -> new IllegalStateException(
                "executor bwrap: bwrap not found on PATH; install it (Debian: apt-get install bubblewrap) or set executor = proot")),
                ProotExecutor.DEFAULT_OUTPUT_CAP);
    }

    public BwrapExecutor(Path bwrap, long outputCap) {
        this.bwrap = bwrap;
        this.outputCap = outputCap;
        probe();
    }

    private void probe() {
        try {
            Process p = new ProcessBuilder(bwrap.toString(), "--ro-bind", "/", "/", "--unshare-user", "--unshare-pid",
                    "true").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(NamespaceRun.DEV_NULL)).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("executor bwrap does not work on this machine ("
                        + (out.isEmpty() ? "exit " + p.exitValue() : out.lines().findFirst().orElse(""))
                        + "): user namespaces are probably disabled; set executor = proot");
            }
        } catch (IOException e) {
            throw new IllegalStateException("executor bwrap cannot start " + bwrap + ": " + e.getMessage() + "; set executor = proot");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking bwrap");
        }
    }

    List<String> command(ContainerSpec spec) {
        List<String> cmd = new ArrayList<>(List.of(bwrap.toString(), "--bind", spec.rootfs().toString(), "/",
                "--dev", "/dev", "--proc", "/proc", "--ro-bind-try", "/sys", "/sys",
                "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf", "--ro-bind-try", "/etc/hosts", "/etc/hosts"));
        for (Map.Entry<Path, String> bind : spec.binds().entrySet()) {
            cmd.addAll(List.of("--bind", bind.getKey().toString(), bind.getValue()));
        }
        cmd.addAll(List.of("--unshare-pid", "--die-with-parent", "--new-session"));
        if (!spec.runsAsRoot()) {
            String[] ids = spec.user().split(":");
            cmd.addAll(List.of("--unshare-user", "--uid", ids[0], "--gid", ids[1]));
        }
        cmd.addAll(List.of("--chdir", spec.workingDir(), "--"));
        cmd.addAll(spec.argv());
        return cmd;
    }

    @Override
    public ExecResult run(ContainerSpec spec, Consumer<String> lines) {
        return NamespaceRun.run(command(spec), spec, lines, outputCap, "bwrap (" + bwrap + ")");
    }
}
