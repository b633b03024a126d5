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
 */
public record ContainerSpec(Path rootfs, List<String> argv, Map<String, String> env, String workingDir,
                            Map<Path, String> binds, Duration timeout) {
    public ContainerSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        binds = Map.copyOf(binds);
    }
}
