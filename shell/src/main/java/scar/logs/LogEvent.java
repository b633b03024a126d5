package scar.logs;

import java.util.Optional;

/**
 * One line of a function's log, as CloudWatch Logs models it.
 *
 * @param id        unique within the function's log (local: stream and byte offset; AWS: the event id),
 *                  so that a follower can drop repeats without dropping lines that share a millisecond
 * @param stream    the log stream, e.g. {@code 2026/11/27/[$LATEST]3f2a...}
 * @param timestamp milliseconds since the epoch, when the line was written
 * @param requestId the invocation the line belongs to, or null where the store does not know it
 *                  (CloudWatch: the line is then placed by the START and REPORT around it)
 * @param json      the Lambda JSON-format record the line holds, or null for a plain text line:
 *                  parsed once, when the event is made, for every question asked of it later
 */
public record LogEvent(String id, String function, String stream, long timestamp, String requestId, String message,
                       LambdaJsonRecord json) {
    /** A line as read from a log: the one way events are made, so a JSON line is parsed here and only here. */
    public LogEvent(String id, String function, String stream, long timestamp, String requestId, String message) {
        // Most lines are the container's plain text: only one with a '{' can be a record.
        this(id, function, stream, timestamp, requestId, message,
                message.indexOf('{') < 0 ? null : LambdaJsonRecord.of(message).orElse(null));
    }

    /** The START line of an invocation (or its JSON-format twin, a platform.start record). */
    public boolean isStart() {
        return message.startsWith("START RequestId: ") || platform().filter(r -> r.isPlatform("platform.start")).isPresent();
    }

    /** The REPORT line of an invocation: the last line of its record (JSON format: platform.report). */
    public boolean isReport() {
        return message.startsWith("REPORT RequestId: ") || platform().filter(r -> r.isPlatform("platform.report")).isPresent();
    }

    /** Lambda's own record in the JSON log format; never for plain text lines. */
    Optional<LambdaJsonRecord> platform() {
        return json != null && json.type() != null && message.startsWith("{") ? Optional.of(json) : Optional.empty();
    }

    /** What the line says: the message of a JSON-format application record, or the line itself. */
    String applicationMessage() {
        return json != null && json.message() != null ? json.message() : message;
    }

    /** The request a START, END or REPORT line (or platform record) names, or null for other lines. */
    public String markedRequestId() {
        if (message.startsWith("{")) {
            return platform().map(LambdaJsonRecord::requestId).orElse(null);
        }
        for (String marker : new String[]{"START RequestId: ", "END RequestId: ", "REPORT RequestId: "}) {
            if (message.startsWith(marker)) {
                int from = marker.length();
                int to = from;
                while (to < message.length() && message.charAt(to) != ' ' && message.charAt(to) != '\t') {
                    to++;
                }
                return message.substring(from, to);
            }
        }
        return null;
    }
}
