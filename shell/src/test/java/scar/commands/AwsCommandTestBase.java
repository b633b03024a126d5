package scar.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.MotoServer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Commands run as a user would, against the aws target on a real moto_server: one server per
 * test class, a fresh account (moto reset, Lambda in docker mode) before each test, the
 * session given moto's credentials, and the test's own SDK clients to set up and check what
 * scar did. What each test class needs beyond that (a role, a function, a recording proxy) it
 * asks for with the helpers here.
 */
abstract class AwsCommandTestBase extends CommandTestBase {
    /** An image reference for functions on moto, which never pulls it. */
    static final String IMAGE = "127.0.0.1:5000/cowsay:1";

    @TempDir
    static Path shared;
    static MotoServer moto;
    static LambdaClient lambda;
    static CloudWatchLogsClient logs;
    static IamClient iam;
    static S3Client s3;
    /** Started by the first {@link #proxy()} of a test class. */
    private static RecordingProxy proxy;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(shared.resolve("moto"));
        lambda = moto.configure(LambdaClient.builder()).build();
        logs = moto.configure(CloudWatchLogsClient.builder()).build();
        iam = moto.configure(IamClient.builder()).region(Region.AWS_GLOBAL).build();
        s3 = moto.configure(S3Client.builder()).forcePathStyle(true).build();
    }

    @AfterAll
    static void stopMoto() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        for (AutoCloseable client : new AutoCloseable[]{lambda, logs, iam, s3}) {
            try {
                if (client != null) {
                    client.close();
                }
            } catch (Exception e) {
                // the server goes next; a client that failed to close holds nothing of it
            }
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void freshAccount() {
        moto.reset();
        moto.lambdaDockerMode(true);
    }

    /**
     * A recording proxy in front of moto, for tests that must see what reached Lambda (moto
     * keeps nothing of an Event invocation): point scar.cfg at {@code proxy().endpoint()}.
     */
    static synchronized RecordingProxy proxy() {
        if (proxy == null) {
            try {
                proxy = new RecordingProxy(moto.endpoint());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return proxy;
    }

    /** moto's credentials, never the developer's, and this test's config folder. */
    @Override
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        return environment;
    }

    /** The role scar's functions run as, made in IAM as a user would before {@code init}; its ARN. */
    static String createRole() {
        return iam.createRole(b -> b.roleName("scar-test").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).role().arn();
    }

    /** scar.cfg: the aws target at {@code endpoint} (a proxy in front of moto), then {@code lines}. */
    void awsConfigAt(String endpoint, String... lines) throws IOException {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + endpoint + "\n"
                + String.join("\n", lines) + "\n");
    }

    /** scar.cfg: the aws target at moto, then {@code lines}. */
    void awsConfig(String... lines) throws IOException {
        awsConfigAt(moto.endpoint(), lines);
    }

    /**
     * moto's peer workaround (see DESIGN.md): functions made in docker mode are invisible in
     * simple mode, whose Invoke echoes or answers with queued results. Copy the function there,
     * tags included (its layer exists on the docker side, which simple mode's CreateFunction
     * checks), and leave moto in simple mode.
     */
    static void mirrorToSimpleMode(String name) {
        FunctionConfiguration configuration = lambda.getFunction(b -> b.functionName(name)).configuration();
        Map<String, String> tags = lambda.listTags(t -> t.resource(configuration.functionArn())).tags();
        moto.lambdaDockerMode(false);
        lambda.createFunction(b -> b.functionName(name).runtime(configuration.runtime())
                .handler(configuration.handler()).role(configuration.role())
                .layers(configuration.layers().stream().map(Layer::arn).toList())
                .environment(e -> e.variables(configuration.environment().variables()))
                .tags(tags)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip("x.txt")))));
    }

    /** A deployment package holding one small file. */
    static byte[] zip(String file) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry(file));
                zip.write("x".getBytes());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What Lambda would write to /aws/lambda/FUNCTION: one new stream, the lines at one millisecond. */
    static void seedLog(String function, String stream, long timestamp, String... messages) {
        String group = "/aws/lambda/" + function;
        logs.createLogGroup(b -> b.logGroupName(group));
        logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
        List<InputLogEvent> events = Arrays.stream(messages)
                .map(m -> InputLogEvent.builder().timestamp(timestamp).message(m + "\n").build()).toList();
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
    }
}
