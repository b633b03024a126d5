package scar.target;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code init} asks a target to create, already validated.
 *
 * @param image      an image reference, or null when {@code imageFile} is given
 * @param imageFile  a {@code docker save} tarball, or null
 * @param initScript contents of the init script, or null
 */
public record NewFunction(String name, String image, Path imageFile, int memoryMb, int timeoutSeconds,
                          int timeoutThresholdSeconds, String description, Map<String, String> environment,
                          String initScript) {
    public NewFunction {
        environment = Map.copyOf(environment);
    }
}
