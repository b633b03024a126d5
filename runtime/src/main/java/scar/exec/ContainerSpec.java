package scar.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One container run.
 *
 * @param rootfs     root filesystem (read as the container's /)
 * @param argv       the command, argv[0] resolved inside the container
 * @param env        the container's whole environment; nothing of the host's is added
 * @param workingDir absolute path inside the container
 * @param binds      host path to container path
 * @param timeout    the whole process tree is killed when it elapses
 * @param user       numeric {@code uid:gid} the container runs as; {@code 0:0} is root, as in Docker
 */
public record ContainerSpec(Path rootfs, List<String> argv, Map<String, String> env, String workingDir,
                            Map<Path, String> binds, Duration timeout, String user) {
    public ContainerSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        binds = Map.copyOf(binds);
        if (user == null || !user.matches("[0-9]{1,10}:[0-9]{1,10}")) {
            throw new IllegalArgumentException("user must be numeric uid:gid, not '" + user + "'");
        }
    }

    /** A run as root. */
    public ContainerSpec(Path rootfs, List<String> argv, Map<String, String> env, String workingDir,
                         Map<Path, String> binds, Duration timeout) {
        this(rootfs, argv, env, workingDir, binds, timeout, "0:0");
    }

    public boolean runsAsRoot() {
        return user.equals("0:0");
    }
}
