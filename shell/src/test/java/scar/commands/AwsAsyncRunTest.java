package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.core.SdkBytes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
class AwsAsyncRunTest extends CommandTestBase {
    static final String IMAGE = "127.0.0.1:5000/cowsay:1";
    static final String STREAM = "2026/11/28/[$LATEST]0123abcd";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static MotoServer moto;
    static RecordingProxy proxy;
    static CloudWatchLogsClient logs;
    static IamClient iam;
    static LambdaClient lambda;

    @BeforeAll
    static void startMoto() throws IOException {
        moto = MotoServer.start(shared.resolve("moto"));
        proxy = new RecordingProxy(moto.endpoint());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        URI endpoint = URI.create(moto.endpoint());
        logs = CloudWatchLogsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        lambda = LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        iam = IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @AfterAll
    static void stopMoto() {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void freshAccountWithAFunction() throws IOException {
        moto.reset();
        moto.lambdaDockerMode(true);
        String roleArn = iam.createRole(b -> b.roleName("scar-test").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).role().arn();
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + proxy.endpoint()
                + "\nlambda_region = us-east-1\nlambda_role = " + roleArn + "\nlog_poll_ms = 100\n");
        Outcome init = scar("init", "-n", "hello", IMAGE);
        assertThat(init.exitCode()).as(init.err()).isZero();
        mirrorToSimpleMode("hello");
    }

    @Override
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        return environment;
    }

    @Test
    void runAsyncSendsTheScarEventAsAnEventInvocationAndReturnsAtOnceWithLambdasRequestId() throws Exception {
        Path script = Files.writeString(home.resolve("show.sh"), "echo \"$A $B\"\n");
        int before = proxy.invocations().size();

        long start = System.nanoTime();
        Outcome run = scar("run", "--async", "-e", "A=1", "-e", "B=two words", "-s", script.toString(), "hello",
                "/bin/echo", "--not-an-option", "x y");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(seconds).as("returns without waiting for the run").isLessThan(30);
        var invocations = proxy.invocations().subList(before, proxy.invocations().size());
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
        List<RecordingProxy.Invocation> invocations = proxy.invocations();
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
        int before = proxy.invocations().size();
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
        int before = proxy.invocations().size();
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
        int before = proxy.invocations().size();
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
            List<RecordingProxy.Invocation> invocations = proxy.invocations();
            if (invocations.size() > before) {
                RecordingProxy.Invocation invocation = invocations.get(before);
                assertThat(invocation.type()).isEqualTo("Event");
                return invocation.requestId();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no Event invocation reached Lambda");
    }

    /**
     * moto's simple mode answers Invoke (Event: 202) only for functions made on its side: the
     * same function again there (AwsInvocationsTest does the same).
     */
    private static void mirrorToSimpleMode(String name) {
        FunctionConfiguration configuration = lambda.getFunction(b -> b.functionName(name)).configuration();
        Map<String, String> tags = lambda.listTags(t -> t.resource(configuration.functionArn())).tags();
        moto.lambdaDockerMode(false);
        lambda.createFunction(b -> b.functionName(name).runtime(configuration.runtime())
                .handler(configuration.handler()).role(configuration.role())
                .layers(configuration.layers().stream().map(Layer::arn).toList())
                .environment(e -> e.variables(configuration.environment().variables()))
                .tags(tags)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip()))));
    }

    private static byte[] zip() {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
                zip.putNextEntry(new java.util.zip.ZipEntry("x.txt"));
                zip.write("x".getBytes());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What Lambda would write for the run: one stream, lines a millisecond apart, as they come. */
    private static void seed(String... messages) {
        logs.createLogGroup(b -> b.logGroupName("/aws/lambda/hello"));
        logs.createLogStream(b -> b.logGroupName("/aws/lambda/hello").logStreamName(STREAM));
        long t = System.currentTimeMillis();
        List<InputLogEvent> events = Arrays.stream(messages).map(m -> InputLogEvent.builder()
                .timestamp(t).message(m + "\n").build()).toList();
        logs.putLogEvents(b -> b.logGroupName("/aws/lambda/hello").logStreamName(STREAM).logEvents(events));
    }
}
