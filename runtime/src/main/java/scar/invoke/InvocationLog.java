package scar.invoke;

/**
 * Where the {@link Supervisor} writes the Lambda-shaped log of each invocation: START, the
 * container's lines as they come, the runtime's own lines, END and REPORT.
 * Inside Lambda this is stdout (CloudWatch Logs takes it from there); on the local target it
 * is the local log store.
 */
public interface InvocationLog {
    /** Keeps nothing: for callers that have no use for logs. */
    InvocationLog DISCARD = (function, requestId) -> line -> { };

    /** Opens the log of one invocation; it is closed when the invocation has ended. */
    RequestLog open(FunctionSpec function, String requestId);

    /** The log lines of one invocation. Lines may come from more than one thread, never at once. */
    interface RequestLog extends AutoCloseable {
        /** One line, without its newline. */
        void write(String line);

        @Override
        default void close() {
        }
    }
}
