package scar.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where scar keeps everything: {@code $SCAR_CONFIG_FOLDER}, default {@code ~/.scar}
 * (the same variable SCAR uses, so users can point both at one place).
 */
public record ConfigFolder(Path root) {
    public static final String ENV_VAR = "SCAR_CONFIG_FOLDER";

    public static ConfigFolder fromEnvironment(Map<String, String> env) {
        String configured = env.get(ENV_VAR);
        if (configured != null && !configured.isBlank()) {
            return new ConfigFolder(Path.of(configured).toAbsolutePath().normalize());
        }
        return new ConfigFolder(Path.of(System.getProperty("user.home"), ".scar"));
    }

    public Path configFile() {
        return root.resolve("scar.cfg");
    }

    public Path localFunctions() {
        return root.resolve("local").resolve("functions");
    }

    /** Per-invocation scratch space, bound into containers as /tmp/$REQUEST_ID. */
    public Path localWork() {
        return root.resolve("local").resolve("work");
    }

    public Path imageCache() {
        return root.resolve("cache");
    }

    /** Names for TAB completion, one file per target, read by the bash/zsh completion scripts. */
    public Path completion() {
        return root.resolve("completion");
    }

    public Path history() {
        return root.resolve("history");
    }
}
