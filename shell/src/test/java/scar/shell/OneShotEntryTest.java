package scar.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** scar with arguments: '#!/usr/bin/env scar' files (the kernel passes their path, often without .scar), help, version. */
class OneShotEntryTest {
    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int scar(String... args) {
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        return ScarMain.runOnce(List.of(args), console, Map.of("SCAR_CONFIG_FOLDER", home.toString()));
    }

    @Test
    void anExecutableScriptWithoutExtensionRunsAsAScript() throws Exception {
        Path job = Files.writeString(home.resolve("job"), "#!/usr/bin/env scar\nconfig\nls --nope\n");
        int code = scar(job.toString(), "-x");
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("SETTING");
        assertThat(err.toString()).contains("+ config", job + ":3: command failed with exit code 2");
    }

    @Test
    void aFileThatIsNotAScarScriptIsNotRun() throws Exception {
        Path other = Files.writeString(home.resolve("other"), "#!/bin/sh\nconfig\n");
        assertThat(scar(other.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: unknown command '" + other + "'");
    }

    @Test
    void helpAndVersionWorkEvenWithABrokenConfigFile() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nnonsense = 1\n");
        assertThat(scar("--version")).isZero();
        assertThat(out.toString()).startsWith("scar ");
        assertThat(scar("use", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: scar use");
        assertThat(scar("ls")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown key 'nonsense'");
    }
}
