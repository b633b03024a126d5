package scar.invoke;

/** What one invocation produced, as reported to the user. */
public record InvocationResult(String requestId, int exitCode, String output, boolean timedOut,
                               boolean outputTruncated, long durationMillis) {
}
