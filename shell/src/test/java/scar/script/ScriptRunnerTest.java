package scar.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.commands.CommandRunner;
import scar.commands.ExitCodes;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptRunnerTest {
    @TempDir
    Path home;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int runScript(String text, String... options) throws Exception {
        Path file = home.resolve("job.scar");
        Files.writeString(file, text);
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        var session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        return new ScriptRunner(new CommandRunner(session), console, Map.of("WHO", "nobody")).run(file, List.of(options));
    }

    @Test
    void runsEveryLineOfAGoodScript() throws Exception {
        int code = runScript("# list twice\nls\n\nls --json\n");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("NAME", "{\"Functions\":[]}");
    }

    @Test
    void aFailingLineStopsTheScriptWithFileAndLine() throws Exception {
        int code = runScript("ls\nrm -n ${WHO}\nls --json\n");

        assertThat(code).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("function 'nobody' not found")
                .contains(home.resolve("job.scar") + ":2: command failed with exit code 1");
        assertThat(out.toString()).doesNotContain("Functions");
    }

    @Test
    void continueOnErrorRunsOnAndStillFails() throws Exception {
        int code = runScript("rm -n nobody\nls --json\n", "--continue-on-error");

        assertThat(code).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).contains("{\"Functions\":[]}");
    }

    @Test
    void usageErrorsKeepTheirExitCode() throws Exception {
        assertThat(runScript("ls --bogus\n")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void echoesCommandsWithDashX() throws Exception {
        runScript("ls \\\n  --json\n", "-x");

        assertThat(err.toString()).contains("+ ls --json");
    }

    @Test
    void syntaxErrorsNameTheLine() throws Exception {
        int code = runScript("ls\nrun \"unclosed\n");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("job.scar:2: unclosed");
    }
}
