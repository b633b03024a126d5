package scar.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code run --async -f} on aws reads a run's end from its CloudWatch lines. */
class LoggedRunEndTest {
    @Test
    void theExitCodeCountsOnlyOnTheLastLineBeforeEnd() {
        LoggedRunEnd end = read("START RequestId: r Version: $LATEST", "scar: Exit Code: 0", "more output",
                "END RequestId: r", "REPORT RequestId: r\tDuration: 1.00 ms");

        assertThat(end.exitCode()).isEmpty();
        assertThat(read("START RequestId: r Version: $LATEST", "out", "scar: Exit Code: 137", "END RequestId: r",
                "REPORT RequestId: r\tDuration: 1.00 ms").exitCode()).hasValue(137);
    }

    @Test
    void aRunWithoutAnExitCodeSaysWhyFromTheHandlersLineOrLambdasOwn() {
        assertThat(read("START RequestId: r Version: $LATEST", "scar: pulling image x",
                "scar: image x not found in the registry", "END RequestId: r", "REPORT RequestId: r").failure())
                .isEqualTo("image x not found in the registry");
        assertThat(read("START RequestId: r Version: $LATEST", "2026-11-28T01:00:03.000Z r Task timed out after 3.00 seconds",
                "END RequestId: r", "REPORT RequestId: r\tDuration: 3000.00 ms").failure())
                .isEqualTo("2026-11-28T01:00:03.000Z r Task timed out after 3.00 seconds");
        assertThat(read("START RequestId: r Version: $LATEST", "END RequestId: r",
                "REPORT RequestId: r\tDuration: 3.00 ms\tStatus: error\tError Type: Runtime.ExitError").failure())
                .isEqualTo("Status: error");
        assertThat(read("START RequestId: r Version: $LATEST", "END RequestId: r", "REPORT RequestId: r").failure())
                .isEqualTo("it logged no exit code");
    }

    @Test
    void theExitCodeIsFoundInsideAJsonLogRecordAsOnAPlainLine() {
        assertThat(read(JsonFormatRun.lines("r", "success", "moo", "scar: Exit Code: 0", "done", "scar: Exit Code: 3")).exitCode())
                .hasValue(3);
        assertThat(read(JsonFormatRun.lines("r", "success", "scar: Exit Code: 3", "more output")).exitCode()).isEmpty();
        // a record whose message is not text, or a line that only looks like JSON, carries no code
        assertThat(read("START RequestId: r Version: $LATEST", "{\"message\": 5}", "{not json: scar: Exit Code: 6}",
                "END RequestId: r", "REPORT RequestId: r").exitCode()).isEmpty();
    }

    @Test
    void aJsonFormatRunWithoutAnExitCodeSaysWhyFromTheHandlersMessageOrTheReportsStatus() {
        assertThat(read(JsonFormatRun.lines("r", "error", "scar: image x not found in the registry")).failure())
                .isEqualTo("image x not found in the registry");
        assertThat(read(JsonFormatRun.lines("r", "timeout")).failure()).isEqualTo("Status: timeout");
    }

    @Test
    void jsonPlatformRecordsMarkTheRequestLikeStartEndAndReportLines() {
        String[] run = JsonFormatRun.lines("r-1", "success", "hello");
        LogEvent start = event(run[0]);
        LogEvent line = event(run[1]);
        LogEvent end = event(run[2]);
        LogEvent report = event(run[3]);

        assertThat(start.isStart()).isTrue();
        assertThat(start.markedRequestId()).isEqualTo("r-1");
        assertThat(line.markedRequestId()).isNull();
        assertThat(line.isStart() || line.isReport()).isFalse();
        assertThat(end.markedRequestId()).isEqualTo("r-1");
        assertThat(end.isReport()).isFalse();
        assertThat(report.isReport()).isTrue();
        assertThat(report.markedRequestId()).isEqualTo("r-1");
        assertThat(RequestSlicer.slice(java.util.List.of(event("{\"message\":\"before\"}"), start, line, end, report,
                event("after")), "r-1")).containsExactly(start, line, end, report);
    }

    private static LogEvent event(String message) {
        return new LogEvent(message, "fn", "s", 0, null, message);
    }

    private static LoggedRunEnd read(String... lines) {
        LoggedRunEnd end = new LoggedRunEnd();
        for (int i = 0; i < lines.length; i++) {
            end.see(new LogEvent(Integer.toString(i), "fn", "s", i, null, lines[i]));
        }
        return end;
    }
}
