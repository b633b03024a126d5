package scar.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a container with chroot, for root on machines where it is allowed: no ptrace, so system
 * calls run at native speed. Each run gets its own mount and PID namespaces
 * ({@code unshare --mount --pid --fork --kill-child}): /dev, /proc and the binds are mounted only
 * in the run's namespace (nothing is left mounted on the host, even if scar dies), and killing
 * unshare at the deadline kills the namespace's init and so every process in it.
 *
 * <p>The namespace's init is a host /bin/sh that runs the container's command as its child (not
 * exec: a signal sent by the container to PID 1 would be ignored) and exits with its status,
 * 128+N for a signal, as Docker reports it (its own "Killed" notice is silenced). The
 * environment is exactly the spec's.
 */
public final class ChrootExecutor implements ContainerExecutor {
    /** $1 unshare, $2 rootfs, then pairs of (host dir, container path) up to "--", then uid, gid, working dir, argv. */
    private static final String INIT = """
            set -e
            u="$1"; r="$2"; shift 2
            /bin/mount --rbind /dev "$r/dev"
            /bin/mount -t proc proc "$r/proc"
            for f in /etc/resolv.conf /etc/hosts; do
              if [ -f "$f" ] && [ -f "$r$f" ] && [ ! -L "$r$f" ]; then /bin/mount --bind -o ro "$f" "$r$f"; fi
            done
            while [ "$1" != "--" ]; do
              /bin/mkdir -p "$r$2"; /bin/mount --bind "$1" "$r$2"; shift 2
            done
            shift
            uid="$1"; gid="$2"; wd="$3"; shift 3
            set +e
            exec 3>&2 2>/dev/null
            /bin/sh -c 'exec 2>&3 3>&-; exec "$@"' scar-run "$u" --root="$r" --wd="$wd" --setgid "$gid" --setuid "$uid" -- "$@"
            """;

    private final Path unshare;
    private final long outputCap;

    /**
     * Checks that this process is root and can make the namespaces.
     *
     * @throws IllegalStateException saying why not, and what to do
     */
    public ChrootExecutor() {
        this(ProotExecutorPaths.onPath("unshare").orElseThrow(() -> new IllegalStateException(
                "executor chroot: unshare not found on PATH; install util-linux or set executor = proot")),
                ProotExecutor.DEFAULT_OUTPUT_CAP);
    }

    public ChrootExecutor(Path unshare, long outputCap) {
        this.unshare = unshare;
        this.outputCap = outputCap;
        probe();
    }

    private void probe() {
        try {
            Process p = new ProcessBuilder(unshare.toString(), "--mount", "--pid", "--fork", "--kill-child", "/bin/true")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(NamespaceRun.DEV_NULL)).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("executor chroot needs root and mount/PID namespaces, which this machine "
                        + "does not allow (" + (out.isEmpty() ? "exit " + p.exitValue() : out.lines().findFirst().orElse(""))
                        + "); set executor = proot");
            }
        } catch (IOException e) {
            throw new IllegalStateException("executor chroot cannot start " + unshare + ": " + e.getMessage() + "; set executor = proot");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking chroot");
        }
    }

    List<String> command(ContainerSpec spec) {
        for (String mountPoint : List.of("/dev", "/proc")) {
            requireNoLink(spec.rootfs(), mountPoint);
            try {
                Files.createDirectories(spec.rootfs().resolve(mountPoint.substring(1)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + mountPoint + " in " + spec.rootfs() + ": " + e.getMessage(), e);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(unshare.toString(), "--mount", "--propagation", "private", "--pid",
                "--fork", "--kill-child", "--", "/bin/sh", "-c", INIT, "scar-init", unshare.toString(),
                spec.rootfs().toString()));
        for (Map.Entry<Path, String> bind : spec.binds().entrySet()) {
            requireNoLink(spec.rootfs(), bind.getValue());
            cmd.addAll(List.of(bind.getKey().toString(), bind.getValue()));
        }
        String[] ids = spec.user().split(":");
        cmd.addAll(List.of("--", ids[0], ids[1], spec.workingDir()));
        cmd.addAll(spec.argv());
        return cmd;
    }

    /**
     * The init makes bind targets with mkdir in the host's view of the tree: a symlink of the
     * image on the way (e.g. /tmp -> /etc) would make it create directories on the host.
     */
    private static void requireNoLink(Path rootfs, String containerPath) {
        Path p = rootfs;
        for (String part : containerPath.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IllegalArgumentException("bind target " + containerPath + " leaves the root filesystem");
            }
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException("the image makes " + rootfs.relativize(p)
                        + " a symlink, so " + containerPath + " cannot be mounted safely with executor chroot; use executor = proot");
            }
        }
    }

    @Override
    public ExecResult run(ContainerSpec spec, Consumer<String> lines) {
        return NamespaceRun.run(command(spec), spec, lines, outputCap, "unshare (" + unshare + ")");
    }
}
