package scar.logs;

import java.util.ArrayList;
import java.util.List;

/** Test lines: one run's log as Lambda writes it to CloudWatch when the function's log format is JSON. */
public final class JsonFormatRun {
    private JsonFormatRun() {
    }

    /** What Lambda writes for a run when the function's log format is JSON (LoggingConfig LogFormat=JSON). */
    public static String[] lines(String rid, String status, String... handlerLines) {
        List<String> lines = new ArrayList<>();
        lines.add("{\"time\":\"2026-11-28T01:00:00.000Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\""
                + rid + "\",\"version\":\"$LATEST\"}}");
        for (String line : handlerLines) {
            lines.add("{\"timestamp\":\"2026-11-28T01:00:01.000Z\",\"level\":\"INFO\",\"message\":\""
                    + line.replace("\"", "\\\"") + "\\n\",\"AWSRequestId\":\"" + rid + "\"}");
        }
        lines.add("{\"time\":\"2026-11-28T01:00:02.000Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\""
                + rid + "\",\"status\":\"" + status + "\"}}");
        lines.add("{\"time\":\"2026-11-28T01:00:02.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\""
                + rid + "\",\"metrics\":{\"durationMs\":12.0},\"status\":\"" + status + "\"}}");
        return lines.toArray(String[]::new);
    }
}
