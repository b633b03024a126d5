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
    /** The START line of an invocation. */
    public boolean isStart() {
        return message.startsWith("START RequestId: ");
    }

    /** The REPORT line of an invocation: the last line of its record. */
    public boolean isReport() {
        return message.startsWith("REPORT RequestId: ");
    }

    /** The request a START, END or REPORT line names, or null for other lines. */
    public String markedRequestId() {
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
