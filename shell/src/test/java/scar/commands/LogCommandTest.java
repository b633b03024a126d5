package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scar.config.ConfigException;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationLog;
import scar.logs.LocalLogStore;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every invocation is logged; log shows it by function, stream or request, and follows it live. */
class LogCommandTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    @BeforeEach
    void createFunction() {
        Outcome init = scar("init", "-n", "fn", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    private static String requestIdOf(Outcome run) {
        return run.err().lines().filter(line -> line.startsWith("Request Id: ")).findFirst().orElseThrow()
                .substring("Request Id: ".length());
    }

    @Test
    void logRiOfTheRequestIdRunPrintedShowsItFromStartToReport() {
        Outcome run = scar("run", "fn", "/bin/sh", "-c", "echo hello; echo to stderr >&2; exit 4");
        String rid = requestIdOf(run);

        Outcome log = scar("log", "-ri", rid);

        assertThat(log.exitCode()).as(log.err()).isZero();
        List<String> lines = log.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("START RequestId: " + rid + " Version: $LATEST");
        assertThat(lines.get(1)).startsWith("scar: image sha256:").endsWith(" found in the cache");
        assertThat(lines.subList(2, 5)).containsExactly("hello", "to stderr", "END RequestId: " + rid);
        assertThat(lines.get(5)).matches("REPORT RequestId: " + rid
                + "\tDuration: [0-9.]+ ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\tExit Code: 4");
        assertThat(lines).hasSize(6);
        assertThat(scar("log", "fn", "-ri", rid).out()).isEqualTo(log.out());
    }

    @Test
    void logShowsEveryInvocationOfTheFunctionOldestFirst() {
        scar("run", "fn", "/bin/echo", "first run");
        scar("run", "fn", "/bin/echo", "second run");

        Outcome log = scar("log", "fn");

        assertThat(log.out().lines().filter(line -> line.startsWith("START ")).count()).isEqualTo(2);
        assertThat(log.out().indexOf("first run")).isLessThan(log.out().indexOf("second run"));
        assertThat(scar("log", "fn", "--filter", "second").out()).isEqualTo("second run\n");
        assertThat(scar("log", "fn", "--since", "1h", "--filter", "first").out()).isEqualTo("first run\n");
        assertThat(scar("log", "fn", "--since", "2099-01-01T00:00:00Z").out()).isEmpty();
    }

    @Test
    void jsonGivesOneObjectPerLineWithStreamTimeAndRequest() throws Exception {
        String rid = requestIdOf(scar("run", "fn", "/bin/echo", "as json"));

        Outcome log = scar("log", "fn", "--json");

        List<JsonNode> objects = new ArrayList<>();
        for (String line : log.out().lines().toList()) {
            objects.add(new ObjectMapper().readTree(line));
        }
        JsonNode echoed = objects.stream().filter(o -> o.get("message").asText().equals("as json")).findFirst().orElseThrow();
        assertThat(echoed.get("function").asText()).isEqualTo("fn");
        assertThat(echoed.get("requestId").asText()).isEqualTo(rid);
        assertThat(echoed.get("logStreamName").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(Instant.parse(echoed.get("time").asText()).toEpochMilli()).isEqualTo(echoed.get("timestamp").asLong());
        assertThat(scar("log", "fn", "-ls", echoed.get("logStreamName").asText()).out()).contains("as json");
        assertThat(scar("log", "fn", "-ls", echoed.get("logStreamName").asText().substring(0, 10)).out()).contains("as json");
    }

    @Test
    void requestSlicingSeparatesTwoInvocationsThatRanAtTheSameTime() throws Exception {
        String script = "for i in 1 2 3 4 5 6; do echo \"$WHO $i\"; sleep 0.3; done";
        CompletableFuture<Outcome> a = CompletableFuture.supplyAsync(() -> scar("run", "fn", "-e", "WHO=A", "/bin/sh", "-c", script));
        CompletableFuture<Outcome> b = CompletableFuture.supplyAsync(() -> scar("run", "fn", "-e", "WHO=B", "/bin/sh", "-c", script));
        String ridA = requestIdOf(a.get());
        String ridB = requestIdOf(b.get());

        String all = scar("log", "fn").out();
        // Both wrote the same stream at once: their lines are interleaved there.
        assertThat(all.indexOf("B 1")).isLessThan(all.indexOf("A 6"));
        assertThat(all.indexOf("A 1")).isLessThan(all.indexOf("B 6"));

        List<String> sliceA = scar("log", "-ri", ridA).out().lines().toList();
        assertThat(sliceA.get(0)).startsWith("START RequestId: " + ridA);
        assertThat(sliceA.stream().filter(line -> line.matches("[AB] \\d")).toList())
                .containsExactly("A 1", "A 2", "A 3", "A 4", "A 5", "A 6");
        assertThat(sliceA.get(sliceA.size() - 1)).startsWith("REPORT RequestId: " + ridA);
        assertThat(String.join("\n", sliceA)).doesNotContain(ridB);
        assertThat(scar("log", "fn", "-ri", ridB).out()).contains("B 6").doesNotContain("A 1");
    }

    @Test
    void followShowsTenThousandLinesOnceAndInOrderWhileTheContainerWritesThem() throws Exception {
        scar("run", "fn", "/bin/echo", "before following"); // an existing stream: following starts at its end
        try (Follower follower = new Follower("log", "-f", "fn")) {
            Thread.sleep(300);
            Outcome run = scar("run", "fn", "/bin/sh", "-c", "seq 10000 | sed 's/^/line /'");
            assertThat(run.exitCode()).as(run.err()).isZero();
            String rid = requestIdOf(run);

            follower.awaitOutput(out -> out.contains("REPORT RequestId: " + rid));
            assertThat(follower.stop()).isZero();

            List<String> lines = follower.out().lines().toList();
            assertThat(lines).doesNotContain("before following");
            assertThat(lines.get(0)).startsWith("START RequestId: " + rid);
            List<String> container = lines.stream().filter(line -> line.startsWith("line ")).toList();
            assertThat(container).isEqualTo(IntStream.rangeClosed(1, 10000).mapToObj(i -> "line " + i).toList());
            assertThat(lines.get(lines.size() - 1)).startsWith("REPORT RequestId: " + rid);
            assertThat(lines).hasSize(10000 + 4);
            assertThat(follower.err()).isEmpty();
        }
    }

    @Test
    void followPicksUpTheFirstStreamOfAFunctionThatHadNoLogsYet() throws Exception {
        try (Follower follower = new Follower("log", "-f")) {
            Thread.sleep(300);
            String rid = requestIdOf(scar("run", "fn", "/bin/echo", "first ever"));

            follower.awaitOutput(out -> out.contains("REPORT RequestId: " + rid));
            assertThat(follower.stop()).isZero();
            assertThat(follower.out()).contains("START RequestId: " + rid, "first ever\n");
        }
    }

    @Test
    void followOfARequestEndsByItselfAtItsReport() throws Exception {
        String rid = requestIdOf(scar("run", "fn", "/bin/echo", "done already"));

        Outcome follow = scar("log", "-f", "-ri", rid, "fn");

        assertThat(follow.exitCode()).isZero();
        assertThat(follow.out()).startsWith("START RequestId: " + rid).contains("done already\n");
        assertThat(follow.out().lines().reduce((x, y) -> y).orElseThrow()).startsWith("REPORT RequestId: " + rid);
    }

    @Test
    void oneShotFollowEndsWithExitZeroOnCtrlC() throws Exception {
        Path out = home.resolve("follow.out");
        Path err = home.resolve("follow.err");
        ProcessBuilder builder = new ProcessBuilder(scar.testing.DefaultSigint.command(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "scar.shell.ScarMain", "log", "-f", "fn")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        Process follower = builder.start();
        try {
            // Lines logged until one shows: then the follower is surely following.
            await(() -> {
                scar("run", "fn", "/bin/echo", "are you there");
                return Files.readString(out).contains("are you there");
            });

            new ProcessBuilder("kill", "-INT", Long.toString(follower.pid())).start().waitFor();

            assertThat(follower.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(follower.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(err)).isEmpty();
        } finally {
            follower.destroyForcibly();
        }
    }

    @Test
    void runAsyncFollowPrintsTheLogUntilReportAndExitsWithTheContainersCode() {
        Outcome run = scar("run", "--async", "-f", "fn", "/bin/sh", "-c", "echo working; sleep 0.5; echo done; exit 6");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(6);
        String rid = requestIdOf(run);
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("START RequestId: " + rid);
        assertThat(lines).contains("working", "done");
        assertThat(lines.get(lines.size() - 1)).startsWith("REPORT RequestId: " + rid).endsWith("Exit Code: 6");
    }

    @Test
    void runAsyncFollowOfAnInvocationThatCannotStartEndsWithItsErrorInsteadOfWaiting() throws Exception {
        Path spec = home.resolve("local/functions/fn.json");
        Files.writeString(spec, Files.readString(spec).replaceFirst("\"environment\" *: *\\{ *}", "\"environment\" : {\"1BAD\" : \"x\"}"));
        assertThat(Files.readString(spec)).contains("1BAD");

        Outcome run = scar("run", "--async", "-f", "fn");

        // Refused as it is started, before a request id is handed out for a run that never was.
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        run.failsWithOneClearLine("invalid environment variable name '1BAD' in function fn");
        scar("run", "--async", "fn").failsWithOneClearLine("invalid environment variable name '1BAD' in function fn");
    }

    @Test
    void runAsyncWhoseLogCannotBeWrittenSaysSoWhenStartedInsteadOfFailingUnseen() throws Exception {
        // A file where the function's log folder belongs: not even root can write the log there.
        Path logs = Files.createDirectories(home.resolve("local/logs"));
        Path inTheWay = Files.writeString(logs.resolve("fn"), "in the way");
        String expected = "cannot write the log of function 'fn' to " + inTheWay + "/";

        Outcome async = scar("run", "--async", "fn", "/bin/echo", "unseen");

        async.failsWithOneClearLine(expected);
        assertThat(async.err()).contains("so it was not run; make " + inTheWay + " a folder you can write to and run it again");
        assertThat(async.out()).isEmpty();
        scar("run", "--async", "-f", "fn").failsWithOneClearLine(expected);
        Outcome foreground = scar("run", "fn"); // says its request id first, as every foreground run does
        assertThat(foreground.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(foreground.err()).contains("\nerror: " + expected).doesNotContain("Exception");
        assertThat(Files.readString(inTheWay)).isEqualTo("in the way");
    }

    @Test
    void runAsyncReturnsAtOnceAndTheInvocationIsLogged() throws Exception {
        long start = System.nanoTime();
        Outcome run = scar("run", "--async", "fn", "/bin/sh", "-c", "sleep 2; echo late");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1900));
        assertThat(run.exitCode()).isZero();
        String rid = requestIdOf(run);

        String[] seen = {""};
        await(() -> (seen[0] = scar("log", "fn").out()).contains("REPORT RequestId: " + rid),
                () -> "the log of fn so far:\n" + seen[0] + "\nscar's threads:\n" + scarThreads());
        scar("log", "-ri", "no-such-request").failsWithOneClearLine("request id no-such-request not found in the logs of "
                + "any function; 'log' shows what was logged");
        assertThat(scar("log", "-ri", rid).out()).contains("late\n");
    }

    @Test
    void retentionDeletesStreamsOlderThanTheSettingWhenScarStarts() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nlog_retention_days = 7\n");
        FunctionSpec fn = new FunctionSpec("fn", image, "sha256:x", 128, 300, 10, null, Map.of(), null);
        Path logs = home.resolve("local/logs");
        Instant now = Instant.now();
        write(new LocalLogStore(logs, Clock.fixed(now.minus(Duration.ofDays(8)), ZoneOffset.UTC), 30), fn, "rid-old", "eight days ago");
        write(new LocalLogStore(logs, Clock.fixed(now.minus(Duration.ofDays(6)), ZoneOffset.UTC), 30), fn, "rid-new", "six days ago");
        assertThat(Files.list(logs.resolve("fn")).count()).isEqualTo(2);

        Outcome log = scar("log", "fn");

        assertThat(log.out()).isEqualTo("six days ago\n");
        assertThat(Files.list(logs.resolve("fn")).count()).isEqualTo(1);
    }

    @Test
    void rmRemovesTheFunctionsLogs() {
        scar("run", "fn", "/bin/echo", "soon gone");
        assertThat(home.resolve("local/logs/fn")).isDirectory();

        scar("rm", "fn");

        assertThat(home.resolve("local/logs/fn")).doesNotExist();
        scar("init", "-n", "fn", image);
        assertThat(scar("log", "fn").out()).isEmpty();
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        scar("run", "fn", "/bin/true");
        scar("log", "ghost").failsWithOneClearLine("function 'ghost' not found");
        scar("log", "../etc").failsWithOneClearLine("invalid function name '../etc'");
        scar("log", "fn", "--since", "yesterday").failsWithOneClearLine("invalid --since 'yesterday': give a span");
        scar("log", "fn", "-ri", "../../x").failsWithOneClearLine("invalid request id '../../x'");
        scar("log", "-ri", "no-such-request").failsWithOneClearLine("request id no-such-request not found");
        scar("log", "-ls", "2026/11/27").failsWithOneClearLine("a log stream belongs to a function");
        scar("log", "fn", "-ls", "../../../etc/passwd").failsWithOneClearLine("log stream '../../../etc/passwd' not found for function 'fn'");
        scar("run", "--async", "-f", "--json", "fn").failsWithOneClearLine("--json and -f do not go together");
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nlog_retention_days = 0\n");
        assertThatThrownBy(() -> scar("ls")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scar.cfg:2: log_retention_days = 0 is out of range; use a number of days from 1 to 3650");
    }

    private static void write(InvocationLog store, FunctionSpec fn, String rid, String line) {
        try (InvocationLog.RequestLog log = store.open(fn, rid)) {
            log.write(line);
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Where background invocations are, should one never end: the failure shows it. */
    private static String scarThreads() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("scar") || thread.getName().startsWith("proot")) {
                dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    dump.append("    ").append(frame).append('\n');
                }
            }
        });
        return dump.toString();
    }

    private static void await(Condition condition) throws Exception {
        await(condition, () -> "");
    }

    private static void await(Condition condition, java.util.function.Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(() -> "waited 60 s; " + state.get()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** A command running on its own thread, as in the shell, stopped the way Ctrl-C stops it there. */
    private final class Follower implements AutoCloseable {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final Thread thread;
        private volatile int exitCode = -1;

        Follower(String... words) {
            var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
            var session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
            thread = new Thread(() -> exitCode = new CommandRunner(session).execute(List.of(words)), "follower");
            thread.start();
        }

        void awaitOutput(java.util.function.Predicate<String> condition) throws Exception {
            await(() -> condition.test(out.toString()));
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            assertThat(thread.isAlive()).as("follower still running after Ctrl-C").isFalse();
            return exitCode;
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }
}
