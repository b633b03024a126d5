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

    private static LoggedRunEnd read(String... lines) {
        LoggedRunEnd end = new LoggedRunEnd();
        for (int i = 0; i < lines.length; i++) {
            end.see(new LogEvent(Integer.toString(i), "fn", "s", i, null, lines[i]));
        }
        return end;
    }
}
