package scar.target;

import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.invoke.StagedInvocation;
import scar.invoke.StorageTrigger;
import scar.storage.ObjectStorage;

import scar.logs.LogSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where functions live and run. Commands talk only to this, so each works the
 * same on this machine and on AWS.
 */
public interface Target extends AutoCloseable {
    /** Short name shown in the prompt, e.g. {@code local}. */
    String name();

    /** Creates a function; fails if one of that name exists. */
    FunctionSpec create(NewFunction function);

    List<FunctionSpec> list();

    Optional<FunctionSpec> find(String name);

    /** Removes a function and everything kept for it; fails if it does not exist. */
    void remove(String name);

    /** Runs one invocation, passing container output lines to {@code lines} as they come. */
    InvocationResult invoke(String name, InvocationRequest request, Consumer<String> lines);

    // Buckets (event-driven file processing). Defaults say "not here" so a target without
    // buckets still compiles and answers with one clear line.

    /** The buckets of this target: local folders or S3. */
    default ObjectStorage storage() {
        throw new TargetException("buckets are not available on the " + name() + " target yet");
    }

    /** Binds a function to a bucket: every new object under the bucket's input/ invokes it once. */
    default void bind(String function, String bucket) {
        throw new TargetException("buckets are not available on the " + name() + " target yet");
    }

    /** Function name to bound bucket, for every bound function. */
    default Map<String, String> bindings() {
        return Map.of();
    }

    /** Runs one invocation on a bucket object: input staged, outputs uploaded to output/. */
    default StagedInvocation invoke(String name, InvocationRequest request, StorageTrigger trigger, Consumer<String> lines) {
        throw new TargetException("buckets are not available on the " + name() + " target yet");
    }

    /**
     * {@code init -p}: makes sure the function's first run finds its image cached; returns one line
     * to show. The local target pulls at {@code init}, so there is nothing left to do.
     */
    default String preheat(String name) {
        return "Function '" + name + "' is ready: its image is in the local cache.";
    }

    /**
     * {@code run -es} where the platform runs the invocations (aws); empty where the shell runs
     * them itself with a {@link #ledger ledger} (local).
     */
    default Optional<scar.batch.RemoteBatch> remoteBatch() {
        return Optional.empty();
    }

    /** The durable record of which inputs the function has processed (kept by the shell, per target). */
    default scar.batch.Ledger ledger(String function) {
        throw new TargetException("buckets are not available on the " + name() + " target yet");
    }

    /**
     * Starts an invocation and returns at once, with the request id its log (see {@link #logs()})
     * knows it by, which is where its output goes; where the shell runs it, also a future that
     * completes with its result.
     */
    default AsyncInvocation invokeAsync(String name, InvocationRequest request) {
        throw new TargetException("asynchronous runs are not available on the " + name() + " target yet");
    }

    /** What every invocation logged: to read by function, stream or request, and to follow. */
    default LogSource logs() {
        throw new TargetException("logs are not available on the " + name() + " target yet");
    }

    /** How many invocations started with {@link #invokeAsync} run in this process and have not ended. */
    default int runningInBackground() {
        return 0;
    }

    /** Called once when scar exits: waits for invocations still running in the background. */
    @Override
    default void close() {
    }
}
