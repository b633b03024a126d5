package scar.invoke;

import java.util.function.Consumer;

/**
 * Writes one invocation's log in Lambda's shape, so that tools and habits made for CloudWatch
 * (and {@code log -ri}, which slices from START to REPORT) work on both targets:
 * <pre>
 * START RequestId: ID Version: $LATEST
 * ...the container's lines, the runtime's own lines prefixed "scar: "...
 * END RequestId: ID
 * REPORT RequestId: ID	Duration: 12.34 ms	Billed Duration: 13 ms	Memory Size: 128 MB	Exit Code: 0
 * </pre>
 * REPORT fields are tab-separated as Lambda writes them; {@code Exit Code} is scar's addition
 * (so that a follower can end with the container's code) and {@code Status: timeout} is Lambda's.
 */
final class InvocationRecord implements AutoCloseable {
    static final String RUNTIME_PREFIX = "scar: ";

    private final InvocationLog.RequestLog log;
    private final String requestId;
    private final int memoryMb;
    private final long startNanos;
    private boolean ended;

    private InvocationRecord(InvocationLog.RequestLog log, String requestId, int memoryMb) {
        this.log = log;
        this.requestId = requestId;
        this.memoryMb = memoryMb;
        this.startNanos = System.nanoTime();
    }

    static InvocationRecord start(InvocationLog sink, FunctionSpec function, String requestId) {
        InvocationRecord record = new InvocationRecord(sink.open(function, requestId), requestId, function.memoryMb());
        record.log.write("START RequestId: " + requestId + " Version: $LATEST");
        return record;
    }

    /** A line of the runtime itself (image found, timeout, ...). */
    void runtime(String message) {
        log.write(RUNTIME_PREFIX + message);
    }

    /** Passes the container's lines to the log and to {@code next}, as they come. */
    Consumer<String> tee(Consumer<String> next) {
        return line -> {
            log.write(line);
            next.accept(line);
        };
    }

    void end(int exitCode, boolean timedOut) {
        finish("\tExit Code: " + exitCode + (timedOut ? "\tStatus: timeout" : ""));
    }

    /** The invocation failed before the container ran: still a whole record, saying why. */
    void failed(RuntimeException e) {
        if (!ended) {
            runtime("error: " + e.getMessage());
            finish("\tStatus: error");
        }
    }

    private void finish(String fields) {
        if (ended) {
            return;
        }
        ended = true;
        double millis = (System.nanoTime() - startNanos) / 1_000_000.0;
        log.write("END RequestId: " + requestId);
        // not String.format: its parsing cost a batch about as much as the rest of the record
        long hundredths = Math.round(millis * 100);
        log.write("REPORT RequestId: " + requestId + "\tDuration: " + hundredths / 100 + "." + (hundredths % 100 < 10 ? "0" : "")
                + hundredths % 100 + " ms\tBilled Duration: " + (long) Math.ceil(millis) + " ms\tMemory Size: " + memoryMb + " MB" + fields);
    }

    @Override
    public void close() {
        log.close();
    }
}
