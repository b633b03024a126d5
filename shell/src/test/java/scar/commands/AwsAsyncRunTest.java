package scar.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --async} and {@code run --async -f} on the aws target against moto: an Event
 * invocation carrying the ScarEvent, announced by Lambda's request id; {@code -f} follows the
 * function's CloudWatch log to that id's REPORT line and ends with the exit code the handler
 * logged. moto neither runs Event invocations nor logs them: the recording proxy shows what
 * reached Lambda and the id it answered with, and the test writes the log Lambda would write.
 */
class AwsAsyncRunTest extends AwsCommandTestBase {
    static final String STREAM = "2026/11/28/[$LATEST]0123abcd";
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void aFunction() throws IOException {
        awsConfigAt(proxy().endpoint(), "lambda_region = us-east-1", "lambda_role = " + createRole(), "log_poll_ms = 100");
        Outcome init = scar("init", "-n", "hello", IMAGE);
        assertThat(init.exitCode()).as(init.err()).isZero();
        mirrorToSimpleMode("hello");
    }

    @Test
    void runAsyncSendsTheScarEventAsAnEventInvocationAndReturnsAtOnceWithLambdasRequestId() throws Exception {
        Path script = Files.writeString(home.resolve("show.sh"), "echo \"$A $B\"\n");
        int before = proxy().invocations().size();

        long start = System.nanoTime();
        Outcome run = scar("run", "--async", "-e", "A=1", "-e", "B=two words", "-s", script.toString(), "hello",
                "/bin/echo", "--not-an-option", "x y");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(seconds).as("returns without waiting for the run").isLessThan(30);
        var invocations = proxy().invocations().subList(before, proxy().invocations().size());
        assertThat(invocations).singleElement().satisfies(i -> {
            assertThat(i.function()).isEqualTo("hello");
            assertThat(i.type()).isEqualTo("Event");
            assertThat(i.requestId()).isNotBlank();
            // The id shown is Lambda's: the one its START/REPORT lines carry, so log -f -ri finds it.
            assertThat(run.err()).contains("Request Id: " + i.requestId())
                    .contains("log -f -ri " + i.requestId() + " hello");
            // Exactly the ScarEvent of a RequestResponse run, less scar's own id (the handler takes Lambda's).
            assertThat(JSON.readTree(i.payload())).isEqualTo(JSON.readTree("""
                    {"script":"echo \\"$A $B\\"\\n","args":["/bin/echo","--not-an-option","x y"],
                     "environment":{"A":"1","B":"two words"}}"""));
        });
        assertThat(run.out()).isEmpty();
    }

    @Test
    void runAsyncJsonPrintsLambdasRequestId() throws Exception {
        Outcome run = scar("run", "--async", "hello", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<RecordingProxy.Invocation> invocations = proxy().invocations();
        String id = invocations.get(invocations.size() - 1).requestId();
        assertThat(JSON.readTree(run.out())).isEqualTo(JSON.createObjectNode().put("RequestId", id));
    }

    @Test
    void runAsyncOfAnUnknownFunctionIsOneClearLine() {
        scar("run", "--async", "nope").failsWithOneClearLine("function 'nope' not found; 'ls' lists the functions");
        scar("run", "--async", "-f", "nope").failsWithOneClearLine("function 'nope' not found");
        scar("run", "--async", "bad/name").failsWithOneClearLine("");
    }

    @Test
    void runAsyncFollowPrintsTheRunsLogAndEndsWithTheExitCodeTheHandlerLogged() throws Exception {
        int before = proxy().invocations().size();
        CompletableFuture<Outcome> following = CompletableFuture.supplyAsync(() -> scar("run", "--async", "-f", "hello"));
        String id = lambdaRequestId(before, following);
        seed("START RequestId: other Version: $LATEST", "not mine", "scar: Exit Code: 9", "END RequestId: other",
                "REPORT RequestId: other\tDuration: 2.00 ms",
                "START RequestId: " + id + " Version: $LATEST", "moo",
                "scar: Exit Code: 0", // the container's look-alike: not the last line
                "done", "scar: Exit Code: 3", "END RequestId: " + id,
                "REPORT RequestId: " + id + "\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB");

        Outcome run = following.get(120, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("Request Id: " + id);
        assertThat(run.out().lines()).containsExactly("START RequestId: " + id + " Version: $LATEST", "moo",
                "scar: Exit Code: 0", "done", "scar: Exit Code: 3", "END RequestId: " + id,
                "REPORT RequestId: " + id + "\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB");
    }

    @Test
    void runAsyncFollowReadsTheExitCodeFromLambdasJsonLogFormatToo() throws Exception {
        int before = proxy().invocations().size();
        CompletableFuture<Outcome> following = CompletableFuture.supplyAsync(() -> scar("run", "--async", "-f", "hello"));
        String id = lambdaRequestId(before, following);
        String[] run = scar.logs.JsonFormatRun.lines(id, "success", "moo", "scar: Exit Code: 3");
        seed(run);

        Outcome outcome = following.get(120, TimeUnit.SECONDS);

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(3);
        assertThat(outcome.out().lines()).containsExactly(run);
    }

    @Test
    void aRunThatFailedOnLambdaEndsFollowWithExitOneAndTheLogsReasonOnOneLine() throws Exception {
        int before = proxy().invocations().size();
        CompletableFuture<Outcome> following = CompletableFuture.supplyAsync(() -> scar("run", "-f", "hello"));
        String id = lambdaRequestId(before, following);
        seed("START RequestId: " + id + " Version: $LATEST", "scar: pulling image " + IMAGE,
                "scar: image " + IMAGE + " not found in the registry", "END RequestId: " + id,
                "REPORT RequestId: " + id + "\tDuration: 80.00 ms");

        Outcome run = following.get(120, TimeUnit.SECONDS);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("REPORT RequestId: " + id);
        String error = run.err().lines().filter(line -> line.startsWith("error: ")).reduce((a, b) -> b).orElse("");
        assertThat(error).isEqualTo("error: the run " + id + " of 'hello' failed on aws: image " + IMAGE
                + " not found in the registry; 'log -ri " + id + " hello' shows its log");
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
    }

    /** The id Lambda answered the Event invocation with, once the proxy has seen it. */
    private static String lambdaRequestId(int before, CompletableFuture<Outcome> run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                throw new AssertionError("run ended before its Event invocation was seen: " + run.join());
            }
            List<RecordingProxy.Invocation> invocations = proxy().invocations();
            if (invocations.size() > before) {
                RecordingProxy.Invocation invocation = invocations.get(before);
                assertThat(invocation.type()).isEqualTo("Event");
                return invocation.requestId();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no Event invocation reached Lambda");
    }

    /** What Lambda would write for the run: one stream, lines a millisecond apart, as they come. */
    private static void seed(String... messages) {
        seedLog("hello", STREAM, System.currentTimeMillis(), messages);
    }
}
