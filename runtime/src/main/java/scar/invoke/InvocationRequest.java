package scar.invoke;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One invocation.
 *
 * @param script      contents of the {@code -s} script of run, or null
 * @param args        arguments replacing the image's CMD; empty for none
 * @param environment the {@code -e} variables of this run, over the function's
 * @param inputFile   a host file staged for this run (bucket input), or null; the container
 *                    sees it under {@code /tmp/$REQUEST_ID/input/} at {@code $INPUT_FILE_PATH}
 */
public record InvocationRequest(String requestId, String script, List<String> args, Map<String, String> environment,
                                Path inputFile) {
    public InvocationRequest {
        args = args == null ? List.of() : List.copyOf(args);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** A run without input file. */
    public InvocationRequest(String requestId, String script, List<String> args, Map<String, String> environment) {
        this(requestId, script, args, environment, null);
    }
}
