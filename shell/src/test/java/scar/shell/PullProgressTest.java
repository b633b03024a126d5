package scar.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scar.image.ImageRef;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;
import scar.testing.SharedRegistry;
import scar.testing.TestImages;

/** The pull progress bar: drawn for a person at a terminal, never for pipes or --json. */
class PullProgressTest {
    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String image;

    @TempDir
    Path dir;

    @BeforeAll
    static void push() throws IOException {
        image = REGISTRY.images().push(REGISTRY.registry(), "progress:1",
                TestImages.Spec.cowsay().withLayer(root -> {
                    try {
                        Files.writeString(root.resolve("etc/motd"), "second layer\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
    }

    private String pullShowing(boolean interactive, boolean quiet) {
        StringWriter err = new StringWriter();
        var console = new StandardConsole(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), interactive);
        new LocalImageStore(dir.resolve("cache-" + interactive + quiet), new RegistryClient(), 256L << 20,
                new PullProgress(console, quiet)).pull(ImageRef.parse(image));
        return err.toString();
    }

    @Test
    void aTerminalSeesEachLayerAndTheTotalThenOneSummaryLine() {
        String err = pullShowing(true, false);
        assertThat(err).contains("\r\033[Kpulling " + image + " [").contains("] layer 1/2 ").contains("] layer 2/2 ").contains(", total ");
        assertThat(err).containsPattern("pulled " + java.util.regex.Pattern.quote(image) + ": 2 layers, [0-9.]+ MB in [0-9.]+ s\n$");
    }

    @Test
    void aLayerAlreadyInTheLayerStoreCountsAsDoneInTheTotal() {
        // the base layer is shared with an image pulled before: only the upper one is downloaded
        StringWriter err = new StringWriter();
        var console = new StandardConsole(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), true);
        PullProgress progress = new PullProgress(console, false);
        ImageRef ref = ImageRef.parse(image);
        var base = new scar.image.Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", "sha256:" + "a".repeat(64), 1 << 20);
        var upper = new scar.image.Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", "sha256:" + "b".repeat(64), 1 << 20);
        progress.pulling(ref, java.util.List.of(base, upper));
        progress.downloading(ref, upper, 2, 2);
        assertThat(err.toString()).contains("layer 2/2 0.0 MB/1.0 MB, total 1.0 MB/2.0 MB");
    }

    @Test
    void pipesAndJsonOutputGetNoProgress() {
        assertThat(pullShowing(false, false)).isEmpty();
        assertThat(pullShowing(true, true)).isEmpty();
    }
}
