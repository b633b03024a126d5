package scar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.TestImages;

/** {@code init -if DIR}: a function from an OCI image layout directory, as umoci or skopeo write them. */
class InitFromLayoutTest extends CommandTestBase {
    @TempDir
    Path build;

    @Test
    void aFunctionMadeFromAnOciLayoutDirectoryRuns() throws IOException {
        Path layout = new TestImages(Files.createDirectories(build.resolve("images")))
                .buildOci("1", TestImages.Spec.cowsay().withCmd("/usr/games/cowsay", "laid out"));

        Outcome init = scar("init", "-n", "laid", "-if", layout.toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Outcome run = scar("run", "laid");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("laid out");
    }

    @Test
    void aDirectoryThatIsNotAnImageIsOneClearLine() throws IOException {
        Path plain = Files.createDirectories(build.resolve("plain"));
        scar("init", "-n", "nope", "-if", plain.toString())
                .failsWithOneClearLine("is not an OCI image layout (it needs oci-layout and index.json)");
    }
}
