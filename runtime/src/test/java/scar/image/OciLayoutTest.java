package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.TestImages;

/** {@code -if DIR}: an OCI image layout directory (as umoci and skopeo write them), read in place. */
class OciLayoutTest {
    @TempDir
    Path dir;

    private LocalImageStore store() {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
    }

    private Path layout() throws IOException {
        return new TestImages(Files.createDirectories(dir.resolve("build")))
                .buildOci("1", TestImages.Spec.cowsay().withCmd("/usr/games/cowsay", "from a layout"));
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static Path largestBlob(Path layout) throws IOException {
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            return blobs.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    @Test
    void loadsAnOciLayoutDirectoryWithoutChangingIt() throws IOException {
        Path layout = layout();
        List<String> before = listing(layout);

        Image image = store().load(layout);

        assertThat(image.config().cmd()).containsExactly("/usr/games/cowsay", "from a layout");
        assertThat(image.rootfs().resolve("usr/games/cowsay")).isRegularFile();
        assertThat(image.rootfs().resolve("bin/busybox")).isRegularFile();
        assertThat(store().find(image.id())).contains(image);
        assertThat(listing(layout)).isEqualTo(before);
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        // loading it again finds the cached image
        assertThat(store().load(layout).id()).isEqualTo(image.id());
    }

    @Test
    void aLayerBlobThatLinksOutsideTheLayoutIsRefusedEvenWithTheRightContent() throws IOException {
        Path layout = layout();
        Path blob = largestBlob(layout);
        Path outside = dir.resolve("elsewhere");
        Files.move(blob, outside);
        Files.createSymbolicLink(blob, outside);

        assertThatThrownBy(() -> store().load(layout)).isInstanceOf(ImageException.class)
                .hasMessageContaining("names an unsafe path 'blobs/sha256/" + blob.getFileName() + "'; refusing to load it");
        assertThat(dir.resolve("cache/images")).doesNotExist();
    }

    @Test
    void anIndexThatLinksOutsideTheLayoutIsRefused() throws IOException {
        Path layout = layout();
        Path outside = dir.resolve("index-elsewhere.json");
        Files.move(layout.resolve("index.json"), outside);
        Files.createSymbolicLink(layout.resolve("index.json"), outside);

        assertThatThrownBy(() -> store().load(layout)).isInstanceOf(ImageException.class)
                .hasMessageContaining("unsafe path 'index.json'");
    }

    @Test
    void anIndexNamingAPathInsteadOfADigestIsRefused() throws IOException {
        Path layout = layout();
        String index = Files.readString(layout.resolve("index.json"));
        Files.writeString(layout.resolve("index.json"),
                index.replaceFirst("\"digest\":\"sha256:[0-9a-f]{64}\"", "\"digest\":\"sha256:../../../etc/passwd\""));

        assertThatThrownBy(() -> store().load(layout)).isInstanceOf(ImageException.class)
                .hasMessageContaining("names an invalid digest 'sha256:../../../etc/passwd'");
    }

    @Test
    void aTamperedLayerIsRefusedWithBothDigests() throws IOException {
        Path layout = layout();
        Path blob = largestBlob(layout);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1;
        Files.write(blob, bytes);

        assertThatThrownBy(() -> store().load(layout)).isInstanceOf(ImageException.class)
                .hasMessageMatching(".*is corrupt: expected sha256:" + blob.getFileName() + " but the content has sha256:[0-9a-f]{64}");
        assertThat(dir.resolve("cache/images")).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotALayoutSaysWhatToGive() throws IOException {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("index.json"), "{}");

        assertThatThrownBy(() -> store().load(plain)).isInstanceOf(ImageException.class)
                .hasMessage("image directory " + plain + " is not an OCI image layout (it needs oci-layout and index.json); "
                        + "give an OCI layout directory, a docker save tarball or an OCI archive");
    }
}
