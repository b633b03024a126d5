package scar.logs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks one invocation's lines out of a log, from its START to its REPORT line.
 * Where each line carries its request id (the local store) that decides, so invocations that ran
 * at the same time into one stream come apart cleanly. Where lines carry none (CloudWatch: one
 * Lambda instance runs one invocation at a time per stream), the lines of a stream between the
 * request's START and its REPORT are taken.
 */
public final class RequestSlicer {
    private RequestSlicer() {
    }

    /**
     * The query's request alone when it names one, else {@code events} as they are; a request
     * with no line in {@code events} is the user's mistake, said in one line.
     */
    public static List<LogEvent> sliceFor(LogQuery query, List<LogEvent> events) {
        if (query.requestId() == null) {
            return events;
        }
        List<LogEvent> slice = slice(events, query.requestId());
        if (slice.isEmpty()) {
            throw new LogNotFoundException("request id " + query.requestId() + " not found in the logs of "
                    + (query.function() == null ? "any function" : "function '" + query.function() + "'")
                    + (query.since() == null ? "" : " since " + query.since())
                    + "; '" + (query.function() == null ? "log" : "log " + query.function()) + "' shows what was logged");
        }
        return slice;
    }

    /** @param events oldest first, possibly from several streams */
    public static List<LogEvent> slice(List<LogEvent> events, String requestId) {
        List<LogEvent> slice = new ArrayList<>();
        Set<String> open = new HashSet<>(); // streams inside the request's START..REPORT
        for (LogEvent event : events) {
            if (event.requestId() != null) {
                if (event.requestId().equals(requestId)) {
                    slice.add(event);
                }
                continue;
            }
            String marked = event.markedRequestId();
            if (requestId.equals(marked) && event.isStart()) {
                open.add(event.stream());
            }
            if (open.contains(event.stream())) {
                slice.add(event);
                if (requestId.equals(marked) && event.isReport()) {
                    open.remove(event.stream());
                }
            }
        }
        return slice;
    }

    /** For following, where lines come one batch at a time: true if a tagged line belongs to the request. */
    static boolean belongs(LogEvent event, String requestId) {
        return event.requestId() == null ? requestId.equals(event.markedRequestId()) : event.requestId().equals(requestId);
    }
}
