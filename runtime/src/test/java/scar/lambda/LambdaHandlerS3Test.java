package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.invoke.FunctionSpec;
import scar.testing.MotoServer;
import scar.testing.TestImages;
import scar.testing.TestRegistry;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler in this JVM, as Lambda calls it for an S3 notification, against moto's S3: the
 * object is staged into the container, the function's script runs under proot, and what it wrote
 * to {@code $TMP_OUTPUT_DIR} lands in the bucket's {@code output/}.
 */
class LambdaHandlerS3Test {
    @TempDir
    static Path shared;
    static TestRegistry registry;
    static MotoServer moto;
    static String image;
    static S3Client s3;

    @TempDir
    Path task;
    StringBuilder log;

    @BeforeAll
    static void setUp() {
        registry = TestRegistry.start(shared.resolve("registry"));
        image = new TestImages(shared.resolve("images")).push(registry, "s3fn:1");
        moto = MotoServer.start(shared.resolve("moto"));
        s3 = moto.configure(S3Client.builder()).forcePathStyle(true).build();
    }

    @AfterAll
    static void tearDown() {
        if (s3 != null) {
            s3.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void resetMoto() {
        moto.reset();
        log = new StringBuilder();
        s3.createBucket(b -> b.bucket("photos"));
    }

    @Test
    void anS3EventStagesTheObjectRunsTheFunctionAndUploadsItsOutputToTheBucket() throws Exception {
        s3.putObject(b -> b.bucket("photos").key("input/my cat+dog.txt"), RequestBody.fromString("meow\n"));
        LambdaHandler handler = handler("""
                echo "key=$STORAGE_OBJECT_KEY path=$INPUT_FILE_PATH"
                tr a-z A-Z < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/loud.txt"
                mkdir "$TMP_OUTPUT_DIR/sub" && echo nested > "$TMP_OUTPUT_DIR/sub/n.txt"
                """);

        JsonNode out = invoke(handler, S3EventTrigger.toJson("photos", "input/my cat+dog.txt", MotoServer.REGION), "req-1")
                .path("LambdaOutput");

        assertThat(out.path("ExitCode").asInt()).as(log.toString()).isZero();
        assertThat(out.path("RequestId").asText()).isEqualTo("req-1");
        assertThat(out.path("Output").asText())
                .isEqualTo("key=input/my cat+dog.txt path=/tmp/req-1/input/my cat+dog.txt\n");
        assertThat(keys("photos")).containsExactly("input/my cat+dog.txt", "output/loud.txt", "output/sub/n.txt");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("photos").key("output/loud.txt")).asUtf8String()).isEqualTo("MEOW\n");
        assertThat(log.toString()).contains("scar: uploaded s3://photos/output/loud.txt");
        // The work folder is gone: the next event on this warm instance starts clean.
        assertThat(shared.resolve("tmp").resolve("req-1")).doesNotExist();
    }

    @Test
    void aSecondEventWhoseOutputNameIsTakenWritesItUnderItsRequestIdInsteadOfReplacingIt() throws Exception {
        s3.putObject(b -> b.bucket("photos").key("input/a.txt"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket("photos").key("input/b.txt"), RequestBody.fromString("b"));
        LambdaHandler handler = handler("cat \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/result.txt\"");

        invoke(handler, S3EventTrigger.toJson("photos", "input/a.txt", MotoServer.REGION), "req-a");
        invoke(handler, S3EventTrigger.toJson("photos", "input/b.txt", MotoServer.REGION), "req-b");

        assertThat(keys("photos")).contains("output/result.txt", "output/req-b/result.txt");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("photos").key("output/result.txt")).asUtf8String()).isEqualTo("a");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("photos").key("output/req-b/result.txt")).asUtf8String()).isEqualTo("b");
        assertThat(log.toString()).contains("output/result.txt already exists");
    }

    @Test
    void theContainerGetsTheFunctionsCredentialsAndRegionOnAnS3EventToo() throws Exception {
        s3.putObject(b -> b.bucket("photos").key("input/x"), RequestBody.fromString("x"));
        LambdaHandler handler = handler("echo \"$AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY/$AWS_SESSION_TOKEN/$AWS_REGION\"");

        JsonNode out = invoke(handler, S3EventTrigger.toJson("photos", "input/x", MotoServer.REGION), "req-c");

        assertThat(out.path("LambdaOutput").path("Output").asText()).isEqualTo("testing/testing/tok/us-east-1\n");
    }

    @Test
    void anObjectOutsideInputIsRefusedWithOneLineSoOutputsNeverTriggerTheFunctionAgain() throws Exception {
        s3.putObject(b -> b.bucket("photos").key("output/r.txt"), RequestBody.fromString("r"));
        LambdaHandler handler = handler("echo ran > \"$TMP_OUTPUT_DIR/again.txt\"");

        JsonNode response = invoke(handler, S3EventTrigger.toJson("photos", "output/r.txt", MotoServer.REGION), "req-d");

        assertThat(response.path("Error").asText()).startsWith("object 'output/r.txt' is not under input/");
        assertThat(keys("photos")).containsExactly("output/r.txt");
    }

    @Test
    void aMissingObjectOrBucketIsOneErrorLineAndNothingIsUploaded() throws Exception {
        LambdaHandler handler = handler("echo ran > \"$TMP_OUTPUT_DIR/ran.txt\"");

        JsonNode noObject = invoke(handler, S3EventTrigger.toJson("photos", "input/gone.txt", MotoServer.REGION), "req-e");
        JsonNode noBucket = invoke(handler, S3EventTrigger.toJson("nobucket", "input/a", MotoServer.REGION), "req-f");

        assertThat(noObject.path("Error").asText()).isEqualTo("object input/gone.txt not found in bucket photos; "
                + "'ls -b photos' lists its keys");
        assertThat(noBucket.path("Error").asText()).startsWith("bucket nobucket not found on S3");
        assertThat(keys("photos")).isEmpty();
    }

    @Test
    void aPreheatEventPullsTheImageIntoTheCacheWithoutRunningTheFunction(@TempDir Path tmp) throws Exception {
        LambdaHandler handler = handler("echo ran > \"$TMP_OUTPUT_DIR/ran.txt\"; exit 7", tmp);

        JsonNode out = invoke(handler, PreheatEvent.toJson(), "req-p").path("LambdaOutput");

        assertThat(out.path("ExitCode").asInt()).as(log.toString()).isZero();
        assertThat(out.path("Output").asText()).matches("image sha256:[0-9a-f]{64} ready\n");
        assertThat(log.toString()).contains("scar: pulling image " + image);
        try (var cached = Files.list(tmp.resolve("scar-cache/images"))) {
            assertThat(cached).hasSize(1);
        }
        // The next event on this instance finds it in the cache and runs.
        s3.putObject(b -> b.bucket("photos").key("input/x"), RequestBody.fromString("x"));
        JsonNode run = invoke(handler, S3EventTrigger.toJson("photos", "input/x", MotoServer.REGION), "req-q");
        assertThat(run.path("LambdaOutput").path("ExitCode").asInt()).isEqualTo(7);
    }

    @Test
    void aScarEventLogsTheContainersExitCodeAsTheLastLineSoAnEventInvocationsFollowerCanEndWithIt() throws Exception {
        LambdaHandler handler = handler("echo from the container; echo 'scar: Exit Code: 0'; exit 3");

        JsonNode out = invoke(handler, new ScarEvent(null, null, List.of(), Map.of()).toJson(), "lambda-id-1")
                .path("LambdaOutput");

        assertThat(out.path("ExitCode").asInt()).as(log.toString()).isEqualTo(3);
        // Without a request id of its own, the run takes Lambda's: the id the log is sliced by.
        assertThat(out.path("RequestId").asText()).isEqualTo("lambda-id-1");
        List<String> lines = log.toString().lines().toList();
        assertThat(lines).contains("from the container");
        // The container's look-alike comes first; the handler's own line is the last one.
        assertThat(lines.get(lines.size() - 1)).isEqualTo("scar: Exit Code: 3");
        assertThat(ExitCodeLine.parse(lines.get(lines.size() - 1))).hasValue(3);
    }

    @Test
    void anS3EventLogsTheExitCodeLineToo() throws Exception {
        s3.putObject(b -> b.bucket("photos").key("input/x"), RequestBody.fromString("x"));
        LambdaHandler handler = handler("exit 4");

        invoke(handler, S3EventTrigger.toJson("photos", "input/x", MotoServer.REGION), "req-x");

        assertThat(log.toString().lines().toList()).last().isEqualTo("scar: Exit Code: 4");
    }

    private LambdaHandler handler(String script) throws Exception {
        return handler(script, Files.createDirectories(shared.resolve("tmp")));
    }

    private LambdaHandler handler(String script, Path tmp) throws Exception {
        Files.write(task.resolve("code.zip"), FunctionConfig.codeZip(
                new FunctionSpec("s3fn", image, null, 128, 60, 5, "", Map.of(), script)));
        LambdaLayerIT.unzip(task.resolve("code.zip"), task);
        Map<String, String> env = new HashMap<>(MotoServer.CREDENTIALS);
        env.put("AWS_SESSION_TOKEN", "tok");
        env.put("AWS_REGION", MotoServer.REGION);
        env.put("AWS_ENDPOINT_URL", moto.endpoint());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("SCAR_TMP", tmp.toString());
        return new LambdaHandler(env);
    }

    private JsonNode invoke(LambdaHandler handler, byte[] event, String requestId) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new LocalContext(requestId,
                "arn:aws:lambda:us-east-1:" + MotoServer.ACCOUNT + ":function:s3fn", System.nanoTime() + 60_000_000_000L,
                message -> {
                    synchronized (log) {
                        log.append(message);
                    }
                }));
        return new ObjectMapper().readTree(out.toByteArray());
    }

    private static List<String> keys(String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

}
