package scar.logs;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The line format of a local stream file: {@code MILLIS REQUEST_ID MESSAGE\n}. The request id on
 * every line is what lets {@code log -ri} slice invocations that ran at the same time and wrote
 * the same stream. A message never holds a newline (the executor splits lines), so one line is
 * one record; a record is written with one append so concurrent writers never mix.
 */
final class LogRecords {
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private LogRecords() {
    }

    static byte[] encode(long millis, String requestId, String message) {
        String clean = message.indexOf('\n') < 0 ? message : message.replace('\n', ' ');
        return (millis + " " + requestId + " " + clean + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses one record without its newline; null for a line that is not one (never written by scar). */
    static LogEvent decode(String function, String stream, long offset, String line) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            long millis = Long.parseLong(line, 0, first, 10);
            String requestId = line.substring(first + 1, second);
            return new LogEvent(stream + "@" + offset, function, stream, millis, requestId, line.substring(second + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
