package scar.commands;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scar.shell.SessionFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --target}, {@code --profile}, {@code --region} in front of one command, against moto for the aws side. */
class GlobalOptionsCommandTest extends AwsCommandTestBase {
    @BeforeEach
    void localByDefault() throws IOException {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = local\nendpoint_url = " + moto.endpoint()
                + "\nlambda_region = us-east-1\nlambda_role = " + createRole() + "\n");
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
