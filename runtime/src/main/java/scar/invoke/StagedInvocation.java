package scar.invoke;

import java.util.List;

/**
 * An invocation started by a bucket object.
 *
 * @param outputKeys every key written under {@code output/}, in the order written
 * @param warnings   one line each: outputs moved aside on a name collision, files not uploaded
 */
public record StagedInvocation(InvocationResult result, List<String> outputKeys, List<String> warnings) {
    public StagedInvocation {
        outputKeys = List.copyOf(outputKeys);
        warnings = List.copyOf(warnings);
    }

    public boolean succeeded() {
        return result.exitCode() == 0 && !result.timedOut();
    }
}
