package scar.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run -es BUCKET} and {@code init -p} on the aws target against moto. {@code run -es}: one RequestResponse invocation, then
 * Event invocations, each carrying the S3 event of its own key. A recording proxy in front of
 * moto shows what reached Lambda (moto keeps nothing of an Event invocation).
 */
class AwsInvocationsTest extends CommandTestBase {
    static final String IMAGE = "127.0.0.1:5000/cowsay:1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static MotoServer moto;
    static RecordingProxy proxy;
    static S3Client s3;
    static LambdaClient lambda;
    static IamClient iam;

    @BeforeAll
    static void startMoto() throws IOException {
        moto = MotoServer.start(shared.resolve("moto"));
        proxy = new RecordingProxy(moto.endpoint());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        URI endpoint = URI.create(moto.endpoint());
        s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
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
    void freshAccount() throws IOException {
        moto.reset();
        moto.lambdaDockerMode(true);
        String roleArn = iam.createRole(b -> b.roleName("scar-test").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).role().arn();
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + proxy.endpoint()
                + "\nlambda_region = us-east-1\nlambda_role = " + roleArn + "\nbatch_concurrency = 4\n");
    }

    @Override
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        return environment;
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
        int before = proxy.invocations().size();

        Outcome run = scar("run", "-es", "batch"); // the function bound to the bucket

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Function 'worker' on bucket batch: 30 file(s), 30 succeeded, 0 failed");
        assertThat(run.err()).contains("29 object(s) were queued on Lambda as Event invocations");
        var invocations = proxy.invocations().subList(before, proxy.invocations().size());
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
        assertThat(proxy.invocations()).noneSatisfy(i -> assertThat(i.payload()).contains("plain"));
    }

    @Test
    void initPreheatInvokesTheNewFunctionOnceWithAPreheatEventAndSaysTheImageIsReady() throws Exception {
        assertThat(scar("init", "-n", "first", IMAGE).exitCode()).isZero(); // the layer, on moto's docker side
        moto.lambdaDockerMode(false);
        moto.queueLambdaResult("{\"LambdaOutput\":{\"RequestId\":\"p\",\"ExitCode\":0,\"Output\":\"image sha256:"
                + "ab".repeat(32) + " ready\\n\"}}");
        int before = proxy.invocations().size();

        Outcome init = scar("init", "-p", "-n", "hot", IMAGE);

        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("Function 'hot' successfully created.")
                .containsPattern("Function 'hot' preheated in \\d+ ms: image sha256:(ab){32} ready on Lambda.");
        var invocations = proxy.invocations().subList(before, proxy.invocations().size());
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

    /** moto's peer workaround (see AwsFunctionLifecycleTest): simple mode's Invoke, for a docker-mode function. */
    private void mirrorToSimpleMode(String name) {
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
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("x.txt"));
                zip.write("x".getBytes());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
