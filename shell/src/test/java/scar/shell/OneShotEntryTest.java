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

    @Test
    void anAsyncRunOnAOneCommandTargetEndsBeforeOneShotScarReturns() throws Exception {
        // The session's own target is aws (never reached here); the run goes to --target local.
        Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nlambda_region = us-east-1\n"
                + "endpoint_url = http://127.0.0.1:9\n");
        Path image = new scar.testing.TestImages(home.resolve("build")).dockerArchive("hello:1",
                scar.testing.TestImages.Spec.cowsay());
        Path script = Files.writeString(home.resolve("slow.sh"), "sleep 2\necho slept\n");
        assertThat(scar("--target", "local", "init", "-n", "hello", "-s", script.toString(), "-if", image.toString()))
                .as(err.toString()).isZero();

        assertThat(scar("--target", "local", "run", "--async", "hello")).as(err.toString()).isZero();

        // one-shot scar waited for the run (closing the override target) instead of cutting it off
        out.getBuffer().setLength(0);
        assertThat(scar("--target", "local", "log", "hello")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("slept").contains("Exit Code: 0");
    }
}
