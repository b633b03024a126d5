package scar.invoke;

import java.util.List;
import java.util.Map;

/**
 * One invocation.
 *
 * @param script      contents of the {@code -s} script of run, or null
 * @param args        arguments replacing the image's CMD; empty for none
 * @param environment the {@code -e} variables of this run, over the function's
 */
public record InvocationRequest(String requestId, String script, List<String> args, Map<String, String> environment) {
    public InvocationRequest {
        args = args == null ? List.of() : List.copyOf(args);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
