package scar.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.shell.SessionFactory;
import scar.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --target}, {@code --profile}, {@code --region} in front of one command, against moto for the aws side. */
class GlobalOptionsCommandTest extends CommandTestBase {
    static final String IMAGE = "127.0.0.1:5000/cowsay:1";

    @TempDir
    static Path shared;
    static MotoServer moto;
    static IamClient iam;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(shared.resolve("moto"));
        iam = IamClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void localByDefault() throws IOException {
        moto.reset();
        moto.lambdaDockerMode(true);
        String roleArn = iam.createRole(b -> b.roleName("scar-test").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")).role().arn();
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = local\nendpoint_url = " + moto.endpoint()
                + "\nlambda_region = us-east-1\nlambda_role = " + roleArn + "\n");
    }

    @Override
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        return environment;
    }

    @Test
    void targetAwsOnOneCommandUsesLambdaWhileTheSessionStaysLocal() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var console = new scar.shell.StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        Session session = new SessionFactory(environment()).open(console);
        CommandRunner runner = new CommandRunner(session);

        int init = runner.execute(List.of("--target", "aws", "init", "-n", "remote-fn", IMAGE));
        int lsAws = runner.execute(List.of("--target=aws", "ls"));

        assertThat(init).as(err.toString()).isZero();
        assertThat(lsAws).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Function 'remote-fn' successfully created.").contains("remote-fn");
        assertThat(session.context().key().isLocal()).isTrue();
        assertThat(scar("ls").out()).doesNotContain("remote-fn");
    }

    @Test
    void regionOnOneCommandLooksInThatRegionOnly() {
        assertThat(scar("--target", "aws", "init", "-n", "in-virginia", IMAGE).exitCode()).isZero();

        Outcome ireland = scar("--target", "aws", "--region", "eu-west-1", "ls");
        Outcome virginia = scar("--region", "us-east-1", "--target", "aws", "ls");

        assertThat(ireland.exitCode()).as(ireland.err()).isZero();
        assertThat(ireland.out()).doesNotContain("in-virginia");
        assertThat(virginia.out()).contains("in-virginia");
    }

    @Test
    void badOrMisplacedGlobalOptionsAreOneClearLine() {
        scar("--target", "gcp", "ls").failsWithOneClearLine("unknown target 'gcp' in --target: use local or aws");
        scar("--region", "eu-west-1", "ls").failsWithOneClearLine("--profile and --region apply to the aws target");
        scar("--target", "aws", "--region", "../../etc", "ls").failsWithOneClearLine("invalid region '../../etc'");
        scar("--target", "aws", "--profile", "a/b", "ls").failsWithOneClearLine("invalid profile 'a/b'");
        scar("--target", "aws", "--region", "moon", "ls").failsWithOneClearLine("invalid AWS region 'moon'");
        scar("--target").failsWithOneClearLine("--target needs a value, e.g. --target aws");
        scar("--target", "aws").failsWithOneClearLine("give a command after --target aws");
    }
}
