package scar.batch;

import java.util.List;

/**
 * How a batch went.
 *
 * @param files      inputs the batch set out to run
 * @param notStarted inputs left for later because the batch was stopped (Ctrl-C) or another shell ran them
 */
public record BatchSummary(String function, String bucket, int files, int succeeded, List<Failure> failed,
                           List<String> outputs, List<String> warnings, int notStarted, boolean cancelled,
                           long wallMillis) {
    public BatchSummary {
        failed = List.copyOf(failed);
        outputs = List.copyOf(outputs);
        warnings = List.copyOf(warnings);
    }

    /** One failed input: its key, the request id to look up its log, and the first error line. */
    public record Failure(String key, String requestId, String error) {
    }

    public double filesPerSecond() {
        int ran = succeeded + failed.size();
        return wallMillis <= 0 ? 0 : ran * 1000.0 / wallMillis;
    }

    public boolean allSucceeded() {
        return failed.isEmpty() && !cancelled;
    }
}
