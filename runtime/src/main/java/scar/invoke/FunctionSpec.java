package scar.invoke;

import java.util.Map;

/**
 * A function as created by {@code init}: everything needed to invoke it later, offline.
 *
 * @param image       what the user gave (reference or archive file), for display
 * @param imageId     the cached image's id; invocations use it, not the registry
 * @param initScript  contents of the {@code -s} script of init, or null
 */
public record FunctionSpec(String name, String image, String imageId, int memoryMb, int timeoutSeconds,
                           int timeoutThresholdSeconds, String description, Map<String, String> environment,
                           String initScript) {
    public FunctionSpec {
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        description = description == null ? "" : description;
    }
}
