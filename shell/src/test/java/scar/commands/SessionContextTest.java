package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** use / target / profile / region / config, and how run and rm fall back to the current function. */
class SessionContextTest extends SessionTestBase {

    @Test
    void useMakesAFunctionCurrentShownInThePromptAndTakenByRun() throws Exception {
        createFunction("hello");
        assertThat(session(Map.of()).context().prompt()).isEqualTo("scar[local]> ");

        assertThat(shell("use", "hello").exitCode()).isZero();
        assertThat(session.context().prompt()).isEqualTo("scar[local]:hello> ");
        assertThat(shell("use").out()).isEqualTo("Current function: hello\n");

        Outcome run = shell("run");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("I am hello");
    }

    @Test
    void withACurrentFunctionTheFirstWordIsANameOnlyIfSuchAFunctionExists() throws Exception {
        createFunction("hello");
        createFunction("other");
        shell("use", "hello");

        assertThat(shell("run", "other").out()).contains("I am other");
        // not a function: the words are the current function's ARGS, options included
        Outcome args = shell("run", "/bin/echo", "-n", "plain", "args");
        assertThat(args.exitCode()).as(args.err()).isZero();
        assertThat(args.out()).isEqualTo("plain args\n");
        assertThat(shell("run", "-n", "other").out()).contains("I am other");
    }

    @Test
    void useClearDropsTheCurrentFunctionAndRunThenAsksForAName() throws Exception {
        createFunction("hello");
        shell("use", "hello");
        assertThat(shell("use", "--clear").exitCode()).isZero();
        assertThat(session.context().prompt()).isEqualTo("scar[local]> ");
        assertThat(shell("use").out()).contains("No current function");
        shell("run").failsWithOneClearLine("no function given: run NAME [ARGS...], or set a current one with 'use NAME'");
        assertThat(shell("run").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void useOfAFunctionThatDoesNotExistFailsAndKeepsTheCurrentOne() throws Exception {
        createFunction("hello");
        shell("use", "hello");
        shell("use", "nope").failsWithOneClearLine("nope");
        shell("use", "../etc").failsWithOneClearLine("invalid function name '../etc'");
        assertThat(session.context().currentFunction()).contains("hello");
    }

    @Test
    void rmWithoutANameRemovesTheCurrentFunctionAndClearsIt() throws Exception {
        createFunction("hello");
        createFunction("other");
        shell("use", "hello");
        Outcome rm = shell("rm");
        assertThat(rm.out()).isEqualTo("Function 'hello' successfully deleted.\n");
        assertThat(session.context().currentFunction()).isEmpty();
        assertThat(session.context().prompt()).isEqualTo("scar[local]> ");

        shell("use", "other");
        shell("rm", "-n", "other");
        assertThat(session.context().prompt()).isEqualTo("scar[local]> ");
        shell("rm").failsWithOneClearLine("give either -n NAME or -a, or set a current function with 'use NAME'");
    }

    @Test
    void targetAwsSwitchesTheSessionWithoutCallingAwsAndDropsTheCurrentFunction() throws Exception {
        createFunction("hello");
        shell("use", "hello");
        Outcome aws = shell("target", "aws");
        assertThat(aws.exitCode()).as(aws.err()).isZero();
        assertThat(aws.out()).isEqualTo("Target: aws:default/us-east-1\n");
        assertThat(session.context().prompt()).isEqualTo("scar[aws:default/us-east-1]> ");
        shell("target", "gcp").failsWithOneClearLine("unknown target 'gcp': use local or aws");
        assertThat(shell("target", "local").exitCode()).isZero();
        assertThat(shell("target").out()).isEqualTo("Target: local\n");
    }

    @Test
    void profileAndRegionAreKeptForTheAwsTargetAndRejectPathLikeNames() {
        assertThat(shell("region", "eu-west-1").out()).isEqualTo("Region: eu-west-1 (used by the aws target)\n");
        assertThat(shell("profile", "dev").out()).isEqualTo("Profile: dev (used by the aws target)\n");
        shell("profile", "../../x").failsWithOneClearLine("invalid profile '../../x'");
        shell("region", "eu west").failsWithOneClearLine("invalid region 'eu west'");
        // without a value each shows what it has, the bad values having changed nothing
        assertThat(shell("profile").out()).isEqualTo("Profile: dev (used by the aws target)\n");
        assertThat(shell("region").out()).isEqualTo("Region: eu-west-1 (used by the aws target)\n");
        assertThat(session.context().prompt()).isEqualTo("scar[local]> ");
    }

    @Test
    void configShowsEachSettingWithWhereItCameFrom() throws Exception {
        session(Map.of("AWS_REGION", "ap-south-1"));
        Outcome config = shell("config");
        assertThat(config.out().lines().findFirst()).get().asString().matches("SETTING +VALUE +SOURCE");
        assertThat(config.out()).containsPattern("(?m)^region +ap-south-1 +environment$")
                .containsPattern("(?m)^memory +128 +scar\\.cfg$")
                .containsPattern("(?m)^profile +default +default$")
                .containsPattern("(?m)^config_folder +" + java.util.regex.Pattern.quote(home.toString()) + " +environment$");

        shell("region", "eu-west-1");
        JsonNode json = new ObjectMapper().readTree(shell("config", "--json").out());
        assertThat(json.path("region").path("Value").asText()).isEqualTo("eu-west-1");
        assertThat(json.path("region").path("Source").asText()).isEqualTo("command line");
        assertThat(json.path("target").path("Source").asText()).isEqualTo("scar.cfg");
    }

    @Test
    void optionsOfOneCommandDoNotLeakIntoTheNextInTheSameSession() throws Exception {
        createFunction("hello");
        java.nio.file.Path script = home.resolve("show.sh");
        java.nio.file.Files.writeString(script, "echo \"A=$A B=$B args=$*\"\n");
        assertThat(shell("run", "hello", "-e", "A=1", "-s", script.toString()).out()).isEqualTo("A=1 B= args=\n");
        assertThat(shell("run", "hello", "-e", "B=2", "-s", script.toString()).out()).isEqualTo("A= B=2 args=\n");
        assertThat(shell("run", "hello", "/bin/echo", "x").out()).isEqualTo("x\n");
        assertThat(shell("run", "hello").out()).isEqualTo("I am hello\n");
        assertThat(shell("ls", "--json").out()).startsWith("{");
        assertThat(shell("ls").out()).startsWith("NAME");
    }
}
