package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.TestImages;
import scar.testing.TestRegistry;

/**
 * A hardlink in an upper layer to a file of a lower layer (Docker and the OCI spec allow it):
 * made when the image is assembled, to the file the layers below put there, and still never
 * outside the image, through a symlink, or to a file deleted before it.
 */
class CrossLayerHardlinkTest {
    @TempDir
    Path dir;

    private LocalImageStore store() {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 64L << 20);
    }

    private Path layout(byte[]... layers) throws IOException {
        return new TestImages(Files.createDirectories(dir.resolve("build"))).ociLayout(List.of(layers), "/bin/true");
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private Path layerTree(byte[] layer) {
        return layerTree(Digests.sha256(layer));
    }

    private Path layerTree(String digest) {
        return dir.resolve("cache/layers").resolve(Digests.hex(digest)).resolve("tree");
    }

    private static final byte[] LOWER = new TarBuilder().dir("opt").dir("opt/data").file("opt/data/a", "lower").tar();

    @Test
    void aHardlinkToALowerLayersFilePulledFromARegistryIsThatFile() throws IOException {
        byte[] upper = new TarBuilder().dir("opt").hardlink("opt/b", "opt/data/a").tar();
        try (TestRegistry registry = TestRegistry.start(Files.createDirectories(dir.resolve("registry")))) {
            String ref = new TestImages(Files.createDirectories(dir.resolve("build"))).push(registry, "linked:1", layout(LOWER, upper));

            Image image = store().pull(ImageRef.parse(ref));
            List<Descriptor> pushed = new RegistryClient().resolve(ImageRef.parse(ref)).layers(); // compressed by the push

            assertThat(image.rootfs().resolve("opt/b")).hasContent("lower");
            assertThat(inode(image.rootfs().resolve("opt/b"))).isEqualTo(inode(image.rootfs().resolve("opt/data/a")))
                    .isEqualTo(inode(layerTree(pushed.get(0).digest()).resolve("opt/data/a")));
            // the upper layer keeps it as a record, not a file: another image may put another file below it
            assertThat(layerTree(pushed.get(1).digest()).resolve("opt/b")).doesNotExist();
            assertThat(layerTree(pushed.get(1).digest()).resolveSibling("layer.json")).content().contains("opt/data/a");
        }
    }

    @Test
    void aLinkBeforeItsOwnLayerReplacesTheTargetKeepsTheLowerFileAndLinksToLinksFollowIt() throws IOException {
        byte[] upper = new TarBuilder().hardlink("b", "opt/data/a").hardlink("c", "b").file("opt/data/a", "upper")
                .file("d", "own").hardlink("e", "d").tar();

        Image image = store().load(layout(LOWER, upper));

        assertThat(image.rootfs().resolve("b")).hasContent("lower");
        assertThat(image.rootfs().resolve("opt/data/a")).hasContent("upper");
        assertThat(inode(image.rootfs().resolve("c"))).isEqualTo(inode(image.rootfs().resolve("b")))
                .isEqualTo(inode(layerTree(LOWER).resolve("opt/data/a")));
        assertThat(image.rootfs().resolve("e")).hasContent("own"); // a link within the layer, as before
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    @Test
    void aLayerWhoseRecordedLinkWasChangedIsNeverTrustedAndIsUnpackedAgain() throws IOException {
        byte[] upper = new TarBuilder().hardlink("b", "opt/data/a").tar();
        Path layout = layout(LOWER, upper);
        Image image = store().load(layout);
        Path manifest = layerTree(upper).resolveSibling("layer.json");
        Files.writeString(manifest, Files.readString(manifest).replace("opt/data/a", "etc/shadow"));
        LayerUnpacker.deleteTree(dir.resolve("cache/images").resolve(Digests.hex(image.id()))); // e.g. evicted

        Image again = store().load(layout);

        assertThat(again.rootfs().resolve("b")).hasContent("lower");
        assertThat(manifest).content().contains("opt/data/a").doesNotContain("etc/shadow");
    }

    @Test
    void aLaterEntryAtALinksPathReplacesTheLink() throws IOException {
        byte[] upper = new TarBuilder().hardlink("b", "opt/data/a").file("b", "mine").hardlink("x", "opt/data/a")
                .file("x/inside", "dir now").tar();

        Image image = store().load(layout(LOWER, upper));

        assertThat(image.rootfs().resolve("b")).hasContent("mine");
        assertThat(image.rootfs().resolve("x/inside")).hasContent("dir now");
    }

    /** Loading the layout fails naming the image, the layer and the entry, and leaves no image and no junk. */
    private void assertRefused(Path layout, byte[] layer, String entry, String... why) throws IOException {
        Path outside = dir.resolve("outside");
        assertThatThrownBy(() -> store().load(layout)).isInstanceOf(ImageException.class)
                .hasMessageContaining("unsafe layer " + Digests.sha256(layer) + " in image " + layout)
                .hasMessageContaining("entry '" + entry + "'")
                .hasMessageContaining(String.join("", why))
                .hasMessageNotContaining("\n");
        if (Files.isDirectory(dir.resolve("cache/images"))) {
            assertThat(dir.resolve("cache/images")).isEmptyDirectory();
        }
        if (Files.isDirectory(dir.resolve("cache/tmp"))) {
            assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        }
        if (Files.isDirectory(outside)) {
            try (Stream<Path> all = Files.list(outside)) {
                assertThat(all.map(p -> p.getFileName().toString())).containsExactly("victim");
            }
            assertThat(Files.getAttribute(outside.resolve("victim"), "unix:nlink")).isEqualTo(1);
        }
    }

    @Test
    void aLinkOutOfTheImageIsRefused() throws IOException {
        byte[] dotdot = new TarBuilder().hardlink("h", "../outside/victim").tar();
        assertRefused(layout(LOWER, dotdot), dotdot, "h", "containing '..'");
        byte[] absolute = new TarBuilder().hardlink("h", "/etc/passwd").tar();
        assertRefused(layout(LOWER, absolute), absolute, "h", "absolute");
    }

    @Test
    void aLinkThroughASymlinkOfALowerLayerIsRefused() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "secret");
        byte[] lower = new TarBuilder().symlink("lnk", outside.toString()).symlink("rel", "opt/data/a").dir("opt")
                .symlink("opt/up", "..").tar();
        byte[] through = new TarBuilder().hardlink("h", "lnk/victim").tar();
        assertRefused(layout(LOWER, lower, through), through, "h", "goes through the symlink 'lnk'");
        byte[] relative = new TarBuilder().hardlink("h", "opt/up/opt/data/a").tar();
        assertRefused(layout(LOWER, lower, relative), relative, "h", "goes through the symlink 'opt/up'");
        byte[] toSymlink = new TarBuilder().hardlink("h", "rel").tar();
        assertRefused(layout(LOWER, lower, toSymlink), toSymlink, "h", "is a symlink, not a regular file");
    }

    @Test
    void aLinkToAFileDeletedBelowItOrByItsOwnLayerIsRefused() throws IOException {
        byte[] deletes = new TarBuilder().file("opt/data/.wh.a", "").tar();
        byte[] link = new TarBuilder().hardlink("b", "opt/data/a").tar();
        assertRefused(layout(LOWER, deletes, link), link, "b", "does not exist in the layers below it");
        // the OCI spec applies a layer's whiteouts first, wherever they are in its tar
        byte[] linkThenDelete = new TarBuilder().hardlink("b", "opt/data/a").file("opt/.wh..wh..opq", "").tar();
        assertRefused(layout(LOWER, linkThenDelete), linkThenDelete, "b", "does not exist in the layers below it");
    }

    @Test
    void aLinkWithNothingBelowItOrToADirectoryIsRefused() throws IOException {
        byte[] alone = new TarBuilder().hardlink("b", "opt/data/a").tar();
        assertRefused(layout(alone), alone, "b", "does not exist in the layers below it");
        byte[] toDir = new TarBuilder().hardlink("b", "opt/data").tar();
        assertRefused(layout(LOWER, toDir), toDir, "b", "is not a regular file");
    }
}
