package scar.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run -es BUCKET} and {@code init -p} on the aws target against moto. {@code run -es}: one RequestResponse invocation, then
 * Event invocations, each carrying the S3 event of its own key. A recording proxy in front of
 * moto shows what reached Lambda (moto keeps nothing of an Event invocation).
 */
class AwsInvocationsTest extends AwsCommandTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void aRole() throws IOException {
        awsConfigAt(proxy().endpoint(), "lambda_region = us-east-1", "lambda_role = " + createRole(),
                "batch_concurrency = 4");
    }

    @Test
    void thirtyObjectsMakeOneRequestResponseAndTwentyNineEventInvocationsEachWithItsOwnKey() throws Exception {
        // The objects are there before the notification, so moto's S3 invokes nothing itself.
        s3.createBucket(b -> b.bucket("batch"));
        List<String> keys = IntStream.range(0, 30).mapToObj(i -> "input/photo " + i + ".jpg").toList();
        for (String key : keys) {
            s3.putObject(b -> b.bucket("batch").key(key), RequestBody.fromString(key));
        }
        assertThat(scar("init", "-n", "worker", "-es", "batch", IMAGE).exitCode()).isZero();
        mirrorToSimpleMode("worker");
        moto.queueLambdaResult("{\"LambdaOutput\":{\"RequestId\":\"first\",\"ExitCode\":0,\"Output\":\"ok\\n\"}}");
        int before = proxy().invocations().size();

        Outcome run = scar("run", "-es", "batch"); // the function bound to the bucket

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Function 'worker' on bucket batch: 30 file(s), 30 succeeded, 0 failed");
        assertThat(run.err()).contains("29 object(s) were queued on Lambda as Event invocations");
        var invocations = proxy().invocations().subList(before, proxy().invocations().size());
        assertThat(invocations).hasSize(30).allSatisfy(i -> assertThat(i.function()).isEqualTo("worker"));
        assertThat(invocations.get(0).type()).isEqualTo("RequestResponse");
        assertThat(invocations.subList(1, 30)).allSatisfy(i -> assertThat(i.type()).isEqualTo("Event"));
        List<String> received = invocations.stream().map(i -> key(i.payload())).toList();
        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
        assertThat(invocations).allSatisfy(i -> assertThat(JSON.readTree(i.payload())
                .at("/Records/0/s3/bucket/name").asText()).isEqualTo("batch"));
    }

    @Test
    void aFailingFirstRunIsReportedWithItsKeyAndTheRestAreStillQueued() throws Exception {
        s3.createBucket(b -> b.bucket("half"));
        for (String key : List.of("input/a.txt", "input/b.txt", "input/c.txt")) {
            s3.putObject(b -> b.bucket("half").key(key), RequestBody.fromString(key));
        }
        assertThat(scar("init", "-n", "worker", "-es", "half", IMAGE).exitCode()).isZero();
        mirrorToSimpleMode("worker");
        moto.queueLambdaResult("{\"LambdaOutput\":{\"RequestId\":\"r1\",\"ExitCode\":3,\"Output\":\"bad\\n\"}}");

        Outcome run = scar("run", "-es", "half", "worker", "--json");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        var batch = JSON.readTree(run.out()).path("Batch");
        assertThat(batch.path("Files").asInt()).isEqualTo(3);
        assertThat(batch.path("Succeeded").asInt()).isEqualTo(2);
        assertThat(batch.path("Failed").get(0).path("Key").asText()).isEqualTo("input/a.txt");
        assertThat(batch.path("Failed").get(0).path("Error").asText()).isEqualTo("exit code 3");
    }

    @Test
    void whatAnS3EventCannotCarryIsRefusedWithOneClearLine() throws Exception {
        s3.createBucket(b -> b.bucket("plain"));
        scar("run", "-es", "plain").failsWithOneClearLine("no function is bound to bucket plain");
        scar("run", "-es", "plain", "worker", "--retry-failed")
                .failsWithOneClearLine("--retry-failed is not available on the aws target");
        Path script = Files.writeString(home.resolve("x.sh"), "echo hi\n");
        scar("run", "-es", "plain", "worker", "-s", script.toString())
                .failsWithOneClearLine("-s, -e and ARGS are not sent");
        scar("run", "-es", "nobucket", "worker").failsWithOneClearLine("not found");
        assertThat(proxy().invocations()).noneSatisfy(i -> assertThat(i.payload()).contains("plain"));
    }

    @Test
    void initPreheatInvokesTheNewFunctionOnceWithAPreheatEventAndSaysTheImageIsReady() throws Exception {
        assertThat(scar("init", "-n", "first", IMAGE).exitCode()).isZero(); // the layer, on moto's docker side
        moto.lambdaDockerMode(false);
        moto.queueLambdaResult("{\"LambdaOutput\":{\"RequestId\":\"p\",\"ExitCode\":0,\"Output\":\"image sha256:"
                + "ab".repeat(32) + " ready\\n\"}}");
        int before = proxy().invocations().size();

        Outcome init = scar("init", "-p", "-n", "hot", IMAGE);

        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("Function 'hot' successfully created.")
                .containsPattern("Function 'hot' preheated in \\d+ ms: image sha256:(ab){32} ready on Lambda.");
        var invocations = proxy().invocations().subList(before, proxy().invocations().size());
        assertThat(invocations).singleElement().satisfies(i -> {
            assertThat(i.function()).isEqualTo("hot");
            assertThat(i.type()).isEqualTo("RequestResponse");
            assertThat(i.payload()).isEqualTo("{\"scar_preheat\":true}");
        });
    }

    @Test
    void aFailedPreheatIsOneLineSayingTheFunctionWasCreated() throws Exception {
        assertThat(scar("init", "-n", "first", IMAGE).exitCode()).isZero();
        moto.lambdaDockerMode(false);
        moto.queueLambdaResult("{\"Error\":\"image " + IMAGE + " not found in the registry\"}");

        scar("init", "-p", "-n", "cold", IMAGE).failsWithOneClearLine("function 'cold' was created, but preheating it "
                + "failed: image " + IMAGE + " not found in the registry");
    }

    private static String key(String payload) {
        try {
            String encoded = JSON.readTree(payload).at("/Records/0/s3/object/key").asText();
            return java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
