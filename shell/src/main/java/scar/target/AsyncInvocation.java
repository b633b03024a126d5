package scar.target;

import scar.invoke.InvocationResult;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An invocation started in the background ({@code run --async}).
 *
 * @param requestId the id the user follows it by: the one its log's START and REPORT lines carry
 *                  (local: the id scar chose; aws: Lambda's, from Invoke's answer)
 * @param result    completes with its result where the shell runs it (local); null where the
 *                  platform runs it and only its log tells how it ended (aws: see
 *                  {@link scar.lambda.ExitCodeLine})
 */
public record AsyncInvocation(String requestId, CompletableFuture<InvocationResult> result) {
    public AsyncInvocation {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("an async invocation needs a request id");
        }
    }

    /** One whose outcome is read from its log only. */
    public static AsyncInvocation loggedOnly(String requestId) {
        return new AsyncInvocation(requestId, null);
    }

    /** The result, where the shell itself will know it. */
    public Optional<CompletableFuture<InvocationResult>> completion() {
        return Optional.ofNullable(result);
    }
}
