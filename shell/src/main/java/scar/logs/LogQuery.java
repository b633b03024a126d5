package scar.logs;

import java.time.Instant;

/**
 * Which log lines a user asked for. Null fields do not filter.
 *
 * @param function  one function, or null for all
 * @param stream    one log stream of {@code function}
 * @param requestId one invocation, from its START to its REPORT line
 * @param since     lines written at or after this instant
 * @param filter    lines containing this text (case-sensitive, as CloudWatch terms are)
 */
public record LogQuery(String function, String stream, String requestId, Instant since, String filter) {
    public static LogQuery all(String function) {
        return new LogQuery(function, null, null, null, null);
    }

    public LogQuery forRequest(String id) {
        return new LogQuery(function, stream, id, since, filter);
    }

    /** True for a line this query keeps, request slicing aside. */
    boolean keeps(LogEvent event) {
        return (since == null || event.timestamp() >= since.toEpochMilli())
                && (filter == null || event.message().contains(filter));
    }
}
