package scar.batch;

import scar.storage.ObjectInfo;

import java.util.List;
import java.util.Map;

/**
 * What a batch runs: one invocation of {@code function} per input object of {@code bucket}.
 *
 * @param concurrency how many invocations run at once after the first (at least 1)
 * @param script      contents of a {@code -s} script given to every invocation, or null
 */
public record BatchPlan(String function, String bucket, List<ObjectInfo> inputs, Selection selection, int concurrency,
                        String script, List<String> args, Map<String, String> environment) {
    public BatchPlan {
        inputs = List.copyOf(inputs);
        args = args == null ? List.of() : List.copyOf(args);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        concurrency = Math.max(1, concurrency);
    }
}
