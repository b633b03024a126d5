package scar.target.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.commands.CommandRunner;
import scar.completion.CompletionCache;
import scar.completion.GrammarCompleter;
import scar.logs.JsonFormatRun;
import scar.logs.LogEvent;
import scar.logs.LogNotFoundException;
import scar.logs.LogQuery;
import scar.session.TargetKey;
import scar.target.Target;
import scar.testing.MotoServer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Reading and following /aws/lambda/NAME against a real moto_server, events seeded with PutLogEvents. */
class CloudWatchLogSourceTest {
    static final String S1 = "2026/11/27/[$LATEST]aaaa1111";
    static final String S2 = "2026/11/27/[$LATEST]bbbb2222";
    static final String S3 = "2026/11/28/[$LATEST]cccc3333";

    @TempDir
    static Path shared;
    static MotoServer moto;
    static CloudWatchLogsClient logs;
    static AwsSettings settings;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(shared.resolve("moto"));
        settings = new AwsSettings(null, MotoServer.REGION, URI.create(moto.endpoint()));
        logs = moto.configure(CloudWatchLogsClient.builder()).build();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            logs.close();
            moto.close();
        }
    }

    @BeforeEach
    void freshAccount() {
        moto.reset();
    }

    /** Page limit 3 everywhere: every read and poll here spans several pages. */
    CloudWatchLogSource source(CloudWatchLogsClient client, Duration poll) {
        return new CloudWatchLogSource(client, settings, () -> List.of("fn", "other"), poll, 3, Clock.systemUTC());
    }

    CloudWatchLogSource source() {
        return source(logs, Duration.ofMillis(100));
    }

    static void group(String function) {
        logs.createLogGroup(b -> b.logGroupName("/aws/lambda/" + function));
    }

    static void put(String function, String stream, long time, String... messages) {
        if (logs.describeLogStreams(b -> b.logGroupName("/aws/lambda/" + function).logStreamNamePrefix(stream))
                .logStreams().stream().noneMatch(s -> s.logStreamName().equals(stream))) {
            logs.createLogStream(b -> b.logGroupName("/aws/lambda/" + function).logStreamName(stream));
        }
        List<InputLogEvent> events = new ArrayList<>();
        for (String message : messages) {
            events.add(InputLogEvent.builder().timestamp(time).message(message + "\n").build());
        }
        logs.putLogEvents(b -> b.logGroupName("/aws/lambda/" + function).logStreamName(stream).logEvents(events));
    }

    static List<String> messages(List<LogEvent> events) {
        return events.stream().map(LogEvent::message).toList();
    }

    /** Two invocations running at once on two Lambda instances (streams), and one the next day. */
    static long seedTwoInterleavedInvocations() {
        group("fn");
        long t = System.currentTimeMillis() - 60_000;
        put("fn", S1, t, "START RequestId: req-a Version: $LATEST");
        put("fn", S2, t + 1, "START RequestId: req-b Version: $LATEST");
        put("fn", S1, t + 2, "a: one", "a: two");
        put("fn", S2, t + 3, "b: one ERROR");
        put("fn", S1, t + 4, "END RequestId: req-a", "REPORT RequestId: req-a\tDuration: 1.00 ms");
        put("fn", S2, t + 5, "END RequestId: req-b", "REPORT RequestId: req-b\tDuration: 1.00 ms");
        put("fn", S3, t + 10_000, "START RequestId: req-c Version: $LATEST", "c: ERROR late",
                "END RequestId: req-c", "REPORT RequestId: req-c\tDuration: 1.00 ms");
        return t;
    }

    @Test
    void readReturnsEveryEventOfTheGroupOldestFirstAcrossPagesWithoutTrailingNewlines() {
        seedTwoInterleavedInvocations();

        List<LogEvent> events = source().read(LogQuery.all("fn"));

        assertThat(messages(events)).containsExactly(
                "START RequestId: req-a Version: $LATEST", "START RequestId: req-b Version: $LATEST",
                "a: one", "a: two", "b: one ERROR",
                "END RequestId: req-a", "REPORT RequestId: req-a\tDuration: 1.00 ms",
                "END RequestId: req-b", "REPORT RequestId: req-b\tDuration: 1.00 ms",
                "START RequestId: req-c Version: $LATEST", "c: ERROR late",
                "END RequestId: req-c", "REPORT RequestId: req-c\tDuration: 1.00 ms");
        assertThat(events).extracting(LogEvent::function).containsOnly("fn");
        assertThat(events).extracting(LogEvent::id).doesNotHaveDuplicates();
    }

    @Test
    void recentRequestIdsAreTheStartsOfTheLatestRunsInTextAndJsonLogFormatNewestFirst() {
        group("fn");
        long t = System.currentTimeMillis() - 60_000;
        put("fn", S1, t, "START RequestId: req-text Version: $LATEST", "text run", "END RequestId: req-text",
                "REPORT RequestId: req-text\tDuration: 1.00 ms");
        // The function switched to LoggingConfig LogFormat=JSON: its STARTs are platform.start records.
        put("fn", S2, t + 1000, JsonFormatRun.lines("req-json", "success", "json run"));
        // A handler line that reads like a START is not one.
        put("fn", S1, t + 2000, JsonFormatRun.lines("req-json-2", "success", "START RequestId: not-a-run"));

        assertThat(source().recentRequestIds("fn", 10)).containsExactly("req-json-2", "req-json", "req-text");
        assertThat(source().recentRequestIds("fn", 2)).containsExactly("req-json-2", "req-json");
    }

    @Test
    void tabAfterRiOffersTheLatestRequestIdsOfTheFunctionNamedOnTheLine() throws Exception {
        group("fn");
        long t = System.currentTimeMillis() - 60_000;
        put("fn", S1, t, "START RequestId: req-text Version: $LATEST", "END RequestId: req-text",
                "REPORT RequestId: req-text\tDuration: 1.00 ms");
        put("fn", S2, t + 1000, JsonFormatRun.lines("req-json", "success", "json run"));
        // the aws target itself needs Lambda and IAM set up; only its logs matter to completion
        Target target = mock(Target.class);
        CloudWatchLogSource source = source();
        when(target.logs()).thenReturn(source);
        when(target.list()).thenReturn(List.of());
        var executor = Executors.newSingleThreadExecutor();
        try {
            var cache = new CompletionCache(Files.createTempDirectory(shared, "tab"), new TargetKey("aws", null, MotoServer.REGION),
                    () -> target, () -> executor, Duration.ofSeconds(30), false);
            var completer = new GrammarCompleter(CommandRunner.grammar().getCommandSpec(), () -> cache);
            // the first TAB may come back before CloudWatch answers (100 ms); a later one has them
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> values(completer.complete(List.of("log", "fn", "-ri", ""), 3, "")),
                            ids -> ids.equals(List.of("req-json", "req-text")));
            assertThat(values(completer.complete(List.of("log", "-ri", "req-j", "-n", "fn"), 2, "req-j")))
                    .containsExactly("req-json");
            assertThat(completer.complete(List.of("log", "-ri", ""), 2, "")).as("no function, no log group to read").isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }

    private static List<String> values(List<GrammarCompleter.Candidate> candidates) {
        return candidates.stream().map(GrammarCompleter.Candidate::value).toList();
    }

    @Test
    void readOfOneStreamTakesItsFullNameOrTheStartOfItsName() {
        seedTwoInterleavedInvocations();

        assertThat(messages(source().read(new LogQuery("fn", S2, null, null, null)))).containsExactly(
                "START RequestId: req-b Version: $LATEST", "b: one ERROR",
                "END RequestId: req-b", "REPORT RequestId: req-b\tDuration: 1.00 ms");
        assertThat(source().read(new LogQuery("fn", "2026/11/28", null, null, null))).hasSize(4)
                .extracting(LogEvent::stream).containsOnly(S3);
        assertThatThrownBy(() -> source().read(new LogQuery("fn", "2025/01/01", null, null, null)))
                .isInstanceOf(LogNotFoundException.class).hasMessage(
                        "function 'fn' has no log stream '2025/01/01'; 'log fn' shows every stream");
    }

    @Test
    void readOfOneRequestIsItsStartToReportInItsOwnStreamWhileAnotherRanAtTheSameTime() {
        seedTwoInterleavedInvocations();

        assertThat(messages(source().read(LogQuery.all("fn").forRequest("req-a")))).containsExactly(
                "START RequestId: req-a Version: $LATEST", "a: one", "a: two",
                "END RequestId: req-a", "REPORT RequestId: req-a\tDuration: 1.00 ms");
        // Without a function name: every function of the target is searched.
        assertThat(messages(source().read(LogQuery.all(null).forRequest("req-b")))).containsExactly(
                "START RequestId: req-b Version: $LATEST", "b: one ERROR",
                "END RequestId: req-b", "REPORT RequestId: req-b\tDuration: 1.00 ms");
        assertThatThrownBy(() -> source().read(LogQuery.all("fn").forRequest("req-zzz")))
                .isInstanceOf(LogNotFoundException.class).hasMessageStartingWith("request id req-zzz not found");
    }

    @Test
    void sinceAndFilterKeepTheLaterLinesContainingTheText() {
        long t = seedTwoInterleavedInvocations();

        assertThat(messages(source().read(new LogQuery("fn", null, null, Instant.ofEpochMilli(t + 5_000), null))))
                .containsExactly("START RequestId: req-c Version: $LATEST", "c: ERROR late",
                        "END RequestId: req-c", "REPORT RequestId: req-c\tDuration: 1.00 ms");
        // Case-sensitive "contains", as on the local target: not a CloudWatch filter pattern.
        assertThat(messages(source().read(new LogQuery("fn", null, null, null, "ERROR"))))
                .containsExactly("b: one ERROR", "c: ERROR late");
        assertThat(source().read(new LogQuery("fn", null, null, null, "error"))).isEmpty();
    }

    @Test
    void readOfAFunctionWithoutALogGroupSaysItHasNoLogsYet() {
        assertThatThrownBy(() -> source().read(LogQuery.all("fn")))
                .isInstanceOf(LogNotFoundException.class)
                .hasMessage("function 'fn' has no logs yet: its log group /aws/lambda/fn appears with its first invocation");
        assertThat(source().read(LogQuery.all(null))).isEmpty();
    }

    /** Collects what follow delivers, on its own thread, until stopped. */
    static final class Follower implements AutoCloseable {
        final List<LogEvent> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final Thread thread;

        Follower(CloudWatchLogSource source, LogQuery query) {
            thread = new Thread(() -> {
                try {
                    source.follow(query, batch -> {
                        events.addAll(batch);
                        return true;
                    });
                } catch (InterruptedException e) {
                    // how following ends
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    ended.countDown();
                }
            }, "follow");
            thread.start();
        }

        List<String> messages() {
            synchronized (events) {
                return CloudWatchLogSourceTest.messages(new ArrayList<>(events));
            }
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            assertThat(ended.await(30, TimeUnit.SECONDS)).as("follow ends on interrupt").isTrue();
            assertThat(failure.get()).isNull();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void followDeliversEveryEventOnceAndInOrderWhenManyShareAMillisecondAcrossPagesAndPolls() throws Exception {
        group("fn");
        long t = System.currentTimeMillis() + 1_000; // after follow starts: all of it is new
        List<String> expected = new ArrayList<>();
        try (Follower follower = new Follower(source(), LogQuery.all("fn"))) {
            for (int batch = 0; batch < 6; batch++) {
                String[] lines = new String[7];
                for (int i = 0; i < lines.length; i++) {
                    lines[i] = "line " + batch + "." + i;
                    expected.add(lines[i]);
                }
                // Same millisecond every time, alternating streams: later polls find more at the newest timestamp.
                put("fn", batch % 2 == 0 ? S1 : S2, t, lines);
                Thread.sleep(130);
            }
            put("fn", S1, t + 1, "after");
            expected.add("after");
            await(() -> follower.messages().contains("after"), "the last line");
            Thread.sleep(400); // a few more polls: nothing may come twice
            List<String> shown = follower.messages();
            assertThat(shown).containsExactlyInAnyOrderElementsOf(expected);
            // Lines of one millisecond in two streams have no order between the streams (CloudWatch
            // neither); within each stream they come in the order written.
            for (int parity = 0; parity < 2; parity++) {
                int p = parity;
                java.util.function.Predicate<String> inStream = line -> line.startsWith("line ")
                        && (line.charAt(5) - '0') % 2 == p;
                assertThat(shown.stream().filter(inStream).toList())
                        .containsExactlyElementsOf(expected.stream().filter(inStream).toList());
            }
            assertThat(shown.get(shown.size() - 1)).isEqualTo("after");
        }
    }

    @Test
    void followDeliversALineThatReachesCloudWatchAfterANewerLineOfAnotherStream() throws Exception {
        group("fn");
        long t = System.currentTimeMillis() + 1_000;
        try (Follower follower = new Follower(source(), LogQuery.all("fn"))) {
            put("fn", S1, t, "newer, from instance 1");
            await(() -> follower.messages().size() == 1, "the first line");
            Thread.sleep(250); // polls from the newest timestamp now
            put("fn", S2, t - 500, "older, from instance 2, arriving late");
            await(() -> follower.messages().size() == 2, "the late line");
            Thread.sleep(300);
            assertThat(follower.messages()).containsExactly("newer, from instance 1",
                    "older, from instance 2, arriving late");
        }
    }

    @Test
    void followWaitsQuietlyForALogGroupCreatedAfterItStarted() throws Exception {
        try (Follower follower = new Follower(source(), LogQuery.all("fn"))) {
            Thread.sleep(400);
            assertThat(follower.failure.get()).isNull();
            group("fn");
            put("fn", S1, System.currentTimeMillis() + 500, "START RequestId: first Version: $LATEST", "hello");
            await(() -> follower.messages().size() == 2, "the first invocation's lines");
            assertThat(follower.messages()).containsExactly("START RequestId: first Version: $LATEST", "hello");
        }
    }

    @Test
    void followOfARequestPrintsItsEarlierLinesThenEndsAtItsReport() throws Exception {
        long t = seedTwoInterleavedInvocations();
        List<String> seen = new ArrayList<>();
        source().follow(LogQuery.all("fn").forRequest("req-b"), batch -> {
            batch.forEach(e -> seen.add(e.message()));
            return batch.stream().noneMatch(e -> e.isReport() && "req-b".equals(e.markedRequestId()));
        });
        assertThat(seen).containsExactly("START RequestId: req-b Version: $LATEST", "b: one ERROR",
                "END RequestId: req-b", "REPORT RequestId: req-b\tDuration: 1.00 ms");
        assertThat(t).isPositive();
    }

    /**
     * Moto never throttles: this client answers ThrottlingException to a chosen number of
     * FilterLogEvents calls (the narrow seam), and hands every other call to moto.
     */
    static final class ThrottlingClient implements CloudWatchLogsClient {
        final AtomicInteger throttleNext = new AtomicInteger();
        final List<Long> throttledAt = Collections.synchronizedList(new ArrayList<>());

        @Override
        public FilterLogEventsResponse filterLogEvents(FilterLogEventsRequest request) {
            if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throttledAt.add(System.nanoTime());
                throw CloudWatchLogsException.builder().statusCode(400).message("Rate exceeded")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException")
                                .errorMessage("Rate exceeded").build()).build();
            }
            return logs.filterLogEvents(request);
        }

        @Override
        public DescribeLogStreamsResponse describeLogStreams(DescribeLogStreamsRequest request) {
            return logs.describeLogStreams(request);
        }

        @Override
        public String serviceName() {
            return "logs";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void followBacksOffWhileThrottledAndThenDeliversWhatWasWrittenMeanwhile() throws Exception {
        group("fn");
        ThrottlingClient client = new ThrottlingClient();
        long t = System.currentTimeMillis() + 1_000;
        try (Follower follower = new Follower(source(client, Duration.ofMillis(50)), LogQuery.all("fn"))) {
            put("fn", S1, t, "before 1", "before 2");
            await(() -> follower.messages().size() == 2, "the lines before throttling");
            client.throttleNext.set(4);
            put("fn", S1, t, "during 1", "during 2", "during 3", "during 4");
            put("fn", S2, t + 1, "during 5");
            await(() -> follower.messages().contains("during 5"), "the lines written while throttled");
            Thread.sleep(300);
            assertThat(follower.messages()).containsExactly("before 1", "before 2", "during 1", "during 2",
                    "during 3", "during 4", "during 5");
        }
        // Back-off doubles from the 50 ms poll: 100, 200, 400 ms between the throttled calls.
        List<Long> at = client.throttledAt;
        assertThat(at).hasSize(4);
        assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(3) - at.get(2))).isGreaterThanOrEqualTo(400);
        assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(2) - at.get(1))).isGreaterThanOrEqualTo(200);
    }
}
