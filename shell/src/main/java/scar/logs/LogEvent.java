package scar.logs;

/**
 * One line of a function's log, as CloudWatch Logs models it.
 *
 * @param id        unique within the function's log (local: stream and byte offset; AWS: the event id),
 *                  so that a follower can drop repeats without dropping lines that share a millisecond
 * @param stream    the log stream, e.g. {@code 2026/11/27/[$LATEST]3f2a...}
 * @param timestamp milliseconds since the epoch, when the line was written
 * @param requestId the invocation the line belongs to, or null where the store does not know it
 *                  (CloudWatch: the line is then placed by the START and REPORT around it)
 */
public record LogEvent(String id, String function, String stream, long timestamp, String requestId, String message) {
    /** The START line of an invocation (or its JSON-format twin, a platform.start record). */
    public boolean isStart() {
        return message.startsWith("START RequestId: ") || platform().filter(r -> r.isPlatform("platform.start")).isPresent();
    }

    /** The REPORT line of an invocation: the last line of its record (JSON format: platform.report). */
    public boolean isReport() {
        return message.startsWith("REPORT RequestId: ") || platform().filter(r -> r.isPlatform("platform.report")).isPresent();
    }

    /** Lambda's own record in the JSON log format; never for plain text lines, which are not parsed. */
    java.util.Optional<LambdaJsonRecord> platform() {
        return message.startsWith("{") ? LambdaJsonRecord.of(message).filter(r -> r.type() != null)
                : java.util.Optional.empty();
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
