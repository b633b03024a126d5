package scar.commands;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scar.config.ConfigException;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** log and log -f on the aws target, through the shell's commands, against a real moto_server. */
class AwsLogCommandTest extends AwsCommandTestBase {
    static final String STREAM = "2026/11/27/[$LATEST]0123abcd";

    @BeforeEach
    void aFunction() throws IOException {
        awsConfig("lambda_role = " + createRole(), "log_poll_ms = 100");
        Outcome init = scar("init", "-n", "hello", IMAGE);
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    static void seed(String... messages) {
        seedLog("hello", STREAM, System.currentTimeMillis() - 10_000, messages);
    }

    @Test
    void logPrintsWhatTheFunctionLoggedToCloudWatchAsItWasWritten() {
        seed("START RequestId: r-1 Version: $LATEST", "moo", "END RequestId: r-1",
                "REPORT RequestId: r-1\tDuration: 2.00 ms", "START RequestId: r-2 Version: $LATEST", "second",
                "END RequestId: r-2", "REPORT RequestId: r-2\tDuration: 2.00 ms");

        Outcome all = scar("log", "hello");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out().lines()).containsExactly("START RequestId: r-1 Version: $LATEST", "moo",
                "END RequestId: r-1", "REPORT RequestId: r-1\tDuration: 2.00 ms",
                "START RequestId: r-2 Version: $LATEST", "second", "END RequestId: r-2",
                "REPORT RequestId: r-2\tDuration: 2.00 ms");

        assertThat(scar("log", "hello", "-ri", "r-2").out().lines()).containsExactly(
                "START RequestId: r-2 Version: $LATEST", "second", "END RequestId: r-2",
                "REPORT RequestId: r-2\tDuration: 2.00 ms");
        assertThat(scar("log", "hello", "-ls", "2026/11/27", "--filter", "moo").out()).isEqualTo("moo\n");
        assertThat(scar("log", "hello", "--json", "--filter", "second").out())
                .contains("\"logStreamName\":\"" + STREAM.replace("$", "$") + "\"").contains("\"message\":\"second\"");
    }

    @Test
    void logFollowOfARequestPrintsItAndEndsAtItsReportWithExitZero() {
        seed("START RequestId: r-1 Version: $LATEST", "moo", "END RequestId: r-1",
                "REPORT RequestId: r-1\tDuration: 2.00 ms");

        Outcome follow = scar("log", "-f", "hello", "-ri", "r-1");

        assertThat(follow.exitCode()).as(follow.err()).isZero();
        assertThat(follow.out().lines()).containsExactly("START RequestId: r-1 Version: $LATEST", "moo",
                "END RequestId: r-1", "REPORT RequestId: r-1\tDuration: 2.00 ms");
    }

    @Test
    void logOfAFunctionThatNeverRanSaysSoInOneLine() {
        scar("log", "hello").failsWithOneClearLine(
                "function 'hello' has no logs yet: its log group /aws/lambda/hello appears with its first invocation");
    }

    @Test
    void aBadPollIntervalIsOneLineNamingTheKey() throws IOException {
        awsConfig("log_poll_ms = 5");
        // Reported when the session opens (scar prints it as one line), with the file and line.
        assertThatThrownBy(() -> scar("log", "hello")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scar.cfg:4: log_poll_ms = '5' is not a poll interval; use milliseconds from 100 to 60000");
    }

    @Test
    void rmRemovesTheLogsToo() {
        seed("START RequestId: r-1 Version: $LATEST");
        assertThat(scar("rm", "-n", "hello").exitCode()).isZero();
        assertThat(logs.describeLogGroups(b -> b.logGroupNamePrefix("/aws/lambda/hello")).logGroups()).isEmpty();
    }
}
