package scar.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.config.ConfigException;
import scar.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.iam.IamClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** log and log -f on the aws target, through the shell's commands, against a real moto_server. */
class AwsLogCommandTest extends CommandTestBase {
    static final String STREAM = "2026/11/27/[$LATEST]0123abcd";

    @TempDir
    static Path shared;
    static MotoServer moto;
    static CloudWatchLogsClient logs;
    static IamClient iam;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(shared.resolve("moto"));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        URI endpoint = URI.create(moto.endpoint());
        logs = CloudWatchLogsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        iam = IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void freshAccountWithAFunction() throws IOException {
        moto.reset();
        moto.lambdaDockerMode(true);
        String role = iam.createRole(b -> b.roleName("scar-test").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).role().arn();
        config("lambda_role = " + role, "log_poll_ms = 100");
        Outcome init = scar("init", "-n", "hello", "127.0.0.1:5000/cowsay:1");
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    @Override
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        return environment;
    }

    void config(String... lines) throws IOException {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + moto.endpoint() + "\n"
                + String.join("\n", lines) + "\n");
    }

    static void seed(String... messages) {
        logs.createLogGroup(b -> b.logGroupName("/aws/lambda/hello"));
        logs.createLogStream(b -> b.logGroupName("/aws/lambda/hello").logStreamName(STREAM));
        long t = System.currentTimeMillis() - 10_000;
        List<InputLogEvent> events = java.util.Arrays.stream(messages)
                .map(m -> InputLogEvent.builder().timestamp(t).message(m + "\n").build()).toList();
        logs.putLogEvents(b -> b.logGroupName("/aws/lambda/hello").logStreamName(STREAM).logEvents(events));
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
        config("log_poll_ms = 5");
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
