package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import scar.testing.TestImages;
import scar.testing.TestRegistry;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** SCAR's basic usage, through the shell's commands, on an image pushed to a real registry. */
class LocalFunctionLifecycleTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    @Test
    void initRunAndRemoveAsInScarsWalkthrough() throws Exception {
        Outcome init = scar("init", "-n", "cow", "-m", "128", "-t", "300", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("Function 'cow' successfully created.");

        Outcome run = scar("run", "cow");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("< Hello >", "(oo)");
        assertThat(run.err()).startsWith("Request Id: ");

        Path script = home.resolve("print-env.sh");
        Files.writeString(script, "echo \"A=$A B=$B request=$REQUEST_ID\"\n");
        Outcome withEnv = scar("run", "cow", "-e", "A=1", "-e", "B=2", "-s", script.toString());
        assertThat(withEnv.out()).contains("A=1 B=2 request=" + withEnv.err().lines().findFirst().orElseThrow()
                .substring("Request Id: ".length()));

        Outcome withArgs = scar("run", "cow", "/usr/games/cowsay", "-n", "Moo", "there");
        assertThat(withArgs.out()).contains("< -n Moo there >");

        Outcome ls = scar("ls");
        assertThat(ls.out().lines()).first().asString().matches("NAME +MEMORY +TIME +IMAGE_ID");
        assertThat(ls.out()).containsPattern("cow +128 +300 +[0-9a-f]{12}");

        Outcome rm = scar("rm", "-n", "cow");
        assertThat(rm.out()).contains("Function 'cow' successfully deleted.");
        assertThat(scar("ls").out()).doesNotContain("cow");
        scar("run", "cow").failsWithOneClearLine("function 'cow' not found");
    }

    @Test
    void sampleImageTarballRunsOffline() throws Exception {
        Path tarball = home.resolve("hello.tar");
        Process build = new ProcessBuilder("../scripts/sample-image", tarball.toString()).redirectErrorStream(true).start();
        String buildOutput = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor()).as(buildOutput).isZero();

        assertThat(scar("init", "-n", "hello", "-if", tarball.toString()).exitCode()).isZero();
        Outcome run = scar("run", "hello");

        assertThat(run.out()).contains("< Hello from scar >");
        assertThat(scar("run", "hello", "/usr/games/fortune").out()).contains("without a Docker daemon");
    }

    @Test
    void defaultNameComesFromTheImageName() {
        Outcome init = scar("init", image);

        String expected = "scar-" + image.replaceAll("[/:.]", "-");
        assertThat(init.out()).contains("Function '" + expected + "' successfully created.");
        assertThat(scar("ls").out()).contains(expected);
    }

    @Test
    void oneShotRunExitsWithTheContainersExitCode() {
        scar("init", "-n", "exits", image);

        Outcome run = scar("run", "exits", "/bin/sh", "-c", "echo before; exit 7");

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(run.out()).isEqualTo("before\n");
    }

    @Test
    void jsonRunGivesLambdaOutputWithRequestIdExitCodeAndOutput() throws Exception {
        scar("init", "-n", "doc", image);

        Outcome run = scar("run", "doc", "--json", "/bin/echo", "hi");

        JsonNode output = new ObjectMapper().readTree(run.out()).get("LambdaOutput");
        assertThat(output.get("RequestId").asText()).matches("[0-9a-f-]{36}");
        assertThat(output.get("ExitCode").asInt()).isZero();
        assertThat(output.get("Output").asText()).isEqualTo("hi\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void initScriptRunsWhenRunGivesNothingElse() throws Exception {
        Path script = home.resolve("init.sh");
        Files.writeString(script, "echo from the init script\n");
        scar("init", "-n", "scripted", "-s", script.toString(), image);

        assertThat(scar("run", "scripted").out()).isEqualTo("from the init script\n");
        assertThat(scar("run", "scripted", "/bin/echo", "args win").out()).isEqualTo("args win\n");
    }

    @Test
    void secondRunNeedsNoRegistry() throws Exception {
        try (TestRegistry own = TestRegistry.start(home.resolve("own-registry"))) {
            String ownImage = new TestImages(home.resolve("own-images")).push(own, "offline:1");
            scar("init", "-n", "offline", ownImage);
            assertThat(scar("run", "offline").exitCode()).isZero();

            own.stop();

            Outcome run = scar("run", "offline");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("< Hello >");
        }
    }

    @Test
    void commandLineValuesWinOverScarCfg() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nlambda_memory = 512\nlambda_time = 60\n");

        scar("init", "-n", "fromfile", image);
        scar("init", "-n", "fromflags", "-m", "1024", image);

        Outcome ls = scar("ls");
        assertThat(ls.out()).containsPattern("fromfile +512 +60 ").containsPattern("fromflags +1024 +60 ");
    }

    @Test
    void anExistingFunctionIsNotOverwritten() {
        scar("init", "-n", "taken", "-m", "256", image);

        scar("init", "-n", "taken", image).failsWithOneClearLine("function 'taken' already exists");

        assertThat(scar("ls").out()).containsPattern("taken +256 ");
    }

    @Test
    void unknownTagIsOneClearLineAndLeavesNoFunction() {
        scar("init", "-n", "ghost", SharedImage.registry().address() + "/cowsay:nope").failsWithOneClearLine("not found");
        assertThat(scar("ls").out()).doesNotContain("ghost");
    }

    @Test
    void unreachableRegistryIsOneClearLineAndLeavesNoFunction() {
        scar("init", "-n", "ghost", "127.0.0.1:1/cowsay:1").failsWithOneClearLine("cannot reach registry 127.0.0.1:1");
        assertThat(scar("ls").out()).doesNotContain("ghost");
    }

    @Test
    void rmAllRemovesEveryFunction() {
        scar("init", "-n", "one", image);
        scar("init", "-n", "two", image);

        Outcome rm = scar("rm", "-a");

        assertThat(rm.out()).contains("'one' successfully deleted", "'two' successfully deleted");
        assertThat(scar("ls").out().lines()).hasSize(1);
    }

    @Test
    void lsJsonListsFunctions() throws Exception {
        scar("init", "-n", "listed", "-m", "256", image);

        JsonNode functions = new ObjectMapper().readTree(scar("ls", "--json").out()).get("Functions");

        assertThat(functions).hasSize(1);
        assertThat(functions.get(0).get("Name").asText()).isEqualTo("listed");
        assertThat(functions.get(0).get("Memory").asInt()).isEqualTo(256);
        assertThat(functions.get(0).get("ImageId").asText()).startsWith("sha256:");
    }
}
