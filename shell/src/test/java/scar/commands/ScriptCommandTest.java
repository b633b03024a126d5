package scar.commands;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** 'script FILE' inside the shell: the file's commands run in the shell's own session. */
class ScriptCommandTest extends SessionTestBase {

    @Test
    void aScriptRunsInTheSessionSoUseStaysInEffectAfterIt() throws Exception {
        createFunction("hello");
        Path file = Files.writeString(home.resolve("pick.scar"), "# choose\nuse hello\nrun\n");
        Outcome outcome = shell("script", file.toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        assertThat(outcome.out()).contains("I am hello");
        assertThat(session.context().prompt()).isEqualTo("scar[local]:hello> ");
    }

    @Test
    void aFailingLineStopsTheScriptWithItsFileAndLineAndExitCode() throws Exception {
        createFunction("hello");
        Path file = Files.writeString(home.resolve("fail.scar"),
                "run hello\n\nrun hello \\\n  /bin/sh -c 'exit 7'\nrun hello\n");
        Outcome outcome = shell("script", "-x", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(7);
        assertThat(outcome.err()).contains("+ run hello /bin/sh -c exit 7", file + ":3: command failed with exit code 7");
        assertThat(outcome.out().split("I am hello", -1)).hasSize(2); // the last line never ran

        Outcome onward = shell("script", "--continue-on-error", file.toString());
        assertThat(onward.exitCode()).isEqualTo(7);
        assertThat(onward.out().split("I am hello", -1)).hasSize(3);
    }

    @Test
    void aScriptThatRunsItselfIsStoppedWithOneLine() throws Exception {
        Path file = home.resolve("self.scar");
        Files.writeString(file, "script " + file + "\n");
        Outcome outcome = shell("script", file.toString());
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.err()).contains("error: scripts nested more than 8 deep").doesNotContain("Exception");
    }

    @Test
    void aMissingScriptIsOneClearLine() {
        shell("script", home.resolve("nope.scar").toString()).failsWithOneClearLine("cannot read script");
    }
}
