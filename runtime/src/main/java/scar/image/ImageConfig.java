package scar.image;

import java.util.List;

/**
 * The parts of an image's config that decide how its container runs.
 * Lists are never null; {@code workingDir} and {@code user} may be empty.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env,
                          String workingDir, String user) {
    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
    }
}
