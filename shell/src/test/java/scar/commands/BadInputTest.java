package scar.commands;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes a user makes on the command line: one clear line, a non-zero exit, nothing left behind. */
class BadInputTest extends CommandTestBase {
    @Test
    void badFunctionName() {
        Outcome outcome = scar("init", "-n", "no spaces", "busybox").failsWithOneClearLine("invalid function name 'no spaces'");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertNoFunctions();
    }

    @Test
    void tooLongFunctionName() {
        scar("init", "-n", "x".repeat(65), "busybox").failsWithOneClearLine("1-64 letters");
    }

    @Test
    void badMemory() {
        Outcome outcome = scar("init", "-n", "f", "-m", "64", "busybox").failsWithOneClearLine("invalid memory 64 MB");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertNoFunctions();
    }

    @Test
    void memoryThatIsNotANumber() {
        Outcome outcome = scar("init", "-n", "f", "-m", "lots", "busybox").failsWithOneClearLine("lots");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void badTimeout() {
        scar("init", "-n", "f", "-t", "901", "busybox").failsWithOneClearLine("invalid timeout 901 s");
        assertNoFunctions();
    }

    @Test
    void thresholdNotBelowTheTimeout() {
        scar("init", "-n", "f", "-t", "10", "-tt", "10", "busybox").failsWithOneClearLine("invalid timeout threshold 10 s");
    }

    @Test
    void unknownFunction() {
        Outcome outcome = scar("run", "nobody").failsWithOneClearLine("function 'nobody' not found");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.FAILURE);
        scar("rm", "-n", "nobody").failsWithOneClearLine("function 'nobody' not found");
    }

    @Test
    void missingImageFile() {
        Outcome outcome = scar("init", "-n", "f", "-if", home.resolve("nope.tar").toString())
                .failsWithOneClearLine("nope.tar not found");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertNoFunctions();
    }

    @Test
    void invalidImageReference() {
        scar("init", "-n", "f", "UPPER/Case").failsWithOneClearLine("invalid image reference");
        assertNoFunctions();
    }

    @Test
    void noImageAtAll() {
        scar("init", "-n", "f").failsWithOneClearLine("no image given");
    }

    @Test
    void unknownOption() {
        Outcome outcome = scar("ls", "--colour").failsWithOneClearLine("--colour");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void badEnvironmentVariable() {
        scar("run", "f", "-e", "1A=x").failsWithOneClearLine("invalid -e '1A=x'");
    }

    @Test
    void missingScriptFile() {
        scar("run", "f", "-s", home.resolve("none.sh").toString()).failsWithOneClearLine("none.sh not found");
    }

    @Test
    void rmNeedsANameOrAll() {
        scar("rm").failsWithOneClearLine("give either -n NAME or -a");
    }

    @Test
    void aScriptThatIsAFolderOrADeviceIsNamedAsSuchNotAsMissing() {
        scar("run", "fn", "-s", home.toString()).failsWithOneClearLine("is not a regular file");
        scar("run", "fn", "-s", "/dev/null").failsWithOneClearLine("script /dev/null is not a regular file");
        scar("run", "fn", "-s", home.resolve("nothing.sh").toString()).failsWithOneClearLine("not found");
    }

    private void assertNoFunctions() {
        assertThat(home.resolve("local/functions")).satisfiesAnyOf(
                dir -> assertThat(Files.exists(dir)).isFalse(),
                dir -> assertThat(dir).isEmptyDirectory());
    }
}
