package scar.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.commands.CommandRunner;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped batch example runs as documented, on the sample image, offline. */
class BatchExampleTest {
    @TempDir
    Path home;

    @Test
    void batchExampleProcessesEveryInputAndDownloadsTheResults() throws Exception {
        Path tarball = home.resolve("hello.tar");
        Process build = new ProcessBuilder("../scripts/sample-image", tarball.toString()).redirectErrorStream(true).start();
        String buildOutput = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor()).as(buildOutput).isZero();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        var session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        Path results = home.resolve("results");
        Map<String, String> env = Map.of("IMAGE_FILE", tarball.toString(), "EXAMPLES", Path.of("../scripts/examples").toAbsolutePath().normalize().toString(),
                "RESULTS", results.toString());

        int code = new ScriptRunner(new CommandRunner(session), console, env).run(Path.of("../scripts/examples/batch.scar"), List.of());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Uploaded 3 file(s) to scar-batch-example/input.",
                "3 file(s), 3 succeeded, 0 failed, 6 output(s)", "were already processed by 'wordcount'",
                "output/fox.txt.count", "Function 'wordcount' successfully deleted.");
        assertThat(results.resolve("fox.txt.count")).hasContent("lines 2\nwords 9\nbytes 44");
        assertThat(results.resolve("upper/count.txt")).hasContent("ONE\nTWO\nTHREE\nFOUR");
    }
}
