package scar.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.TestImages;
import scar.testing.TestRegistry;
import scar.testing.Tools;

/** An image whose layers are zstd-compressed (skopeo --dest-compress-format zstd), pulled from a real registry. */
class ZstdLayerTest {
    @TempDir
    Path dir;

    @Test
    void anImageWithZstdLayersIsPulledVerifiedAndUnpacked() throws IOException {
        try (TestRegistry registry = TestRegistry.start(Files.createDirectories(dir.resolve("registry")))) {
            Path layout = new TestImages(Files.createDirectories(dir.resolve("images")))
                    .buildOci("1", TestImages.Spec.cowsay().withCmd("/usr/games/cowsay", "zstd"));
            String ref = registry.address() + "/zstd:1";
            Tools.run(dir, List.of(Tools.require("skopeo", "skopeo").toString(), "copy", "--quiet",
                    "--dest-tls-verify=false", "--dest-compress-format", "zstd", "oci:" + layout + ":1", "docker://" + ref));

            RegistryClient client = new RegistryClient();
            RemoteImage remote = client.resolve(ImageRef.parse(ref));
            assertThat(remote.layers()).isNotEmpty()
                    .allSatisfy(layer -> assertThat(layer.mediaType()).endsWith("+zstd"));

            Image image = new LocalImageStore(dir.resolve("cache"), client, 256L << 20).pull(ImageRef.parse(ref));
            assertThat(image.config().cmd()).containsExactly("/usr/games/cowsay", "zstd");
            assertThat(image.rootfs().resolve("usr/games/cowsay")).isRegularFile();
            assertThat(image.rootfs().resolve("bin/busybox")).isRegularFile().isExecutable();
        }
    }
}
