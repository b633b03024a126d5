package scar.logs;

import scar.lambda.ExitCodeLine;

import java.util.OptionalInt;

/**
 * How one invocation ended, read from its own log lines (START to REPORT) where nothing else
 * tells (an Event invocation on Lambda): the handler's {@link ExitCodeLine} is its last line
 * before END, so only a code on the last line before END counts (a container printing the same
 * text earlier does not); without one, the run failed, and the log's own words say why. Both of
 * Lambda's log formats are read: plain text, and JSON records ({@link LambdaJsonRecord}).
 */
public final class LoggedRunEnd {
    private OptionalInt exitCode = OptionalInt.empty();
    private String scarLine;
    private String lambdaLine;
    private String status;

    /** Takes the invocation's next line, in order. */
    public void see(LogEvent event) {
        if (event.isReport()) {
            String report = event.message();
            int at = report.indexOf("Status: ");
            if (at >= 0) {
                status = report.substring(at + "Status: ".length()).split("\t", 2)[0].strip();
            }
            event.platform().map(LambdaJsonRecord::status).ifPresent(json -> status = json);
            return;
        }
        if (event.markedRequestId() != null || event.platform().isPresent()) {
            return; // START, END: Lambda's own markers, not the handler's last line
        }
        // The JSON log format wraps the handler's line in a record: its message is the line.
        String message = event.applicationMessage();
        exitCode = ExitCodeLine.parse(message);
        if (exitCode.isPresent()) {
            return;
        }
        if (message.startsWith("scar: ")) {
            scarLine = message.substring("scar: ".length()).strip();
        } else if (message.contains("Task timed out") || message.contains("errorMessage")) {
            lambdaLine = message.strip();
        }
    }

    /** The container's exit code, when the handler logged one last. */
    public OptionalInt exitCode() {
        return exitCode;
    }

    /** Why the run ended without an exit code, as the log tells it, on one line. */
    public String failure() {
        String why = scarLine != null ? scarLine
                : lambdaLine != null ? lambdaLine
                : status != null ? "Status: " + status
                : "it logged no exit code";
        return why.replaceAll("\\s+", " ");
    }
}
