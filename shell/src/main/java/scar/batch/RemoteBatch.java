package scar.batch;

import scar.storage.ObjectInfo;

import java.util.List;

/**
 * {@code run -es} on a target whose platform runs the invocations (aws: Lambda, one per object),
 * as opposed to the shell running them with a {@link Ledger} (local).
 */
public interface RemoteBatch {
    /** Functions bound to the bucket (its notifications name them), to pick one when none is named. */
    List<String> functionsBoundTo(String bucket);

    /**
     * Invokes {@code function} once per input, each with its own event naming its own key.
     *
     * @param concurrency at most this many invocation requests in flight
     */
    BatchSummary run(String function, String bucket, List<ObjectInfo> inputs, int concurrency, Progress progress);
}
