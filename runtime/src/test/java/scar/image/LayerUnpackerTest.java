package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path base;
    Path root;
    Path outside;
    LayerUnpacker unpacker;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectory(base.resolve("root"));
        outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "original");
        unpacker = new LayerUnpacker(root, "evil/image:1", 1 << 20);
    }

    private String apply(byte[] layer) {
        return unpacker.apply(new ByteArrayInputStream(layer), DIGEST);
    }

    private List<String> outsideContent() throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(p -> !p.startsWith(root)).map(p -> base.relativize(p).toString()).sorted().toList();
        }
    }

    private void assertRejectedAndNothingOutside(byte[] layer, String... messageParts) throws IOException {
        List<String> before = outsideContent();
        assertThatThrownBy(() -> apply(layer))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("unsafe layer " + DIGEST)
                .hasMessageContaining("evil/image:1")
                .hasMessageContaining(messageParts.length > 0 ? messageParts[0] : "")
                .hasMessageNotContaining("\n");
        assertThat(outsideContent()).isEqualTo(before);
        assertThat(Files.readString(outside.resolve("victim"))).isEqualTo("original");
    }

    @Test
    void unpacksFilesDirectoriesSymlinksAndKeepsExecutableBits() throws IOException {
        apply(new TarBuilder().dir("usr/bin").file("usr/bin/tool", "#!/bin/sh\n", 0755)
                .file("etc/conf", "x", 0600).symlink("bin", "usr/bin").symlink("abs", "/etc/conf").tar());
        assertThat(Files.readString(root.resolve("usr/bin/tool"))).isEqualTo("#!/bin/sh\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("usr/bin/tool")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/conf")))).isEqualTo("rw-------");
        assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
        assertThat(Files.readSymbolicLink(root.resolve("abs"))).isEqualTo(Path.of("/etc/conf"));
    }

    @Test
    void filesLargerThanTheCopyAndReadAheadBuffersArriveIntact() throws IOException {
        // megabytes through the read-ahead thread, whose chunks are filled again once read, and
        // through the one copy buffer all files share: a chunk handed out twice or refilled too
        // early would show up as wrong bytes in some file
        java.util.Random random = new java.util.Random(42);
        TarBuilder layer = new TarBuilder();
        List<String> contents = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StringBuilder text = new StringBuilder();
            int size = 100_000 + random.nextInt(400_000);
            for (int j = 0; j < size; j++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            contents.add(text.toString());
            layer.file("dir/f" + i, text.toString());
        }
        unpacker = new LayerUnpacker(root, "big/image:1", 64 << 20);
        apply(layer.gzip());
        for (int i = 0; i < contents.size(); i++) {
            assertThat(Files.readString(root.resolve("dir/f" + i))).isEqualTo(contents.get(i));
        }
    }

    @Test
    void readsGzipAndZstdLayersAndReturnsTheUncompressedDigest() {
        TarBuilder layer = new TarBuilder().file("a", "gz");
        byte[] plain = new TarBuilder().file("a", "gz").tar();
        assertThat(apply(layer.gzip())).isEqualTo(Digests.sha256(plain));
        assertThat(apply(new TarBuilder().file("b", "zst").zstd())).isNotNull();
        assertThat(root.resolve("a")).hasContent("gz");
        assertThat(root.resolve("b")).hasContent("zst");
    }

    @Test
    void rejectsParentDirectoryEscape() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().file("../outside/victim", "pwned").tar(), "contains '..'");
        assertRejectedAndNothingOutside(new TarBuilder().file("a/../../x", "pwned").tar(), "contains '..'");
    }

    @Test
    void rejectsAbsolutePaths() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().file(outside.resolve("victim").toString(), "pwned").tar(),
                "is an absolute path");
    }

    @Test
    void rejectsWritingThroughASymlinkToOutside() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().symlink("escape", outside.toString())
                .file("escape/victim", "pwned").file("escape/new", "pwned").tar(), "goes through the symlink 'escape'");
    }

    @Test
    void rejectsWritingThroughARelativeSymlinkChainAtDepth() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().dir("a/b/c")
                .symlink("a/b/c/up", "../../..").symlink("a/b/c/hop", "up/..")
                .file("a/b/c/hop/outside/victim", "pwned").tar(), "goes through the symlink 'a/b/c/hop'");
    }

    @Test
    void replacesASymlinkInsteadOfWritingThroughIt() throws IOException {
        apply(new TarBuilder().symlink("victim", outside.resolve("victim").toString()).tar());
        apply(new TarBuilder().file("victim", "mine").tar());
        assertThat(Files.isSymbolicLink(root.resolve("victim"))).isFalse();
        assertThat(root.resolve("victim")).hasContent("mine");
        assertThat(outside.resolve("victim")).hasContent("original");
    }

    @Test
    void rejectsHardlinksThatEscape() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().hardlink("h", "../outside/victim").tar(), "containing '..'");
        assertRejectedAndNothingOutside(new TarBuilder().hardlink("h", outside.resolve("victim").toString()).tar(), "absolute");
    }

    @Test
    void rejectsHardlinksThroughSymlinks() throws IOException {
        assertRejectedAndNothingOutside(new TarBuilder().symlink("out", outside.toString()).hardlink("h", "out/victim").tar(),
                "goes through the symlink 'out'");
    }

    @Test
    void createsHardlinksInsideTheRoot() throws IOException {
        apply(new TarBuilder().file("a", "same").hardlink("b", "a").tar());
        assertThat(root.resolve("b")).hasContent("same");
        assertThat(Files.getAttribute(root.resolve("b"), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void skipsDevicesAndFifos() {
        apply(new TarBuilder().special("dev/null", TarConstants.LF_CHR).special("dev/sda", TarConstants.LF_BLK)
                .special("fifo", TarConstants.LF_FIFO).file("ok", "ok").tar());
        assertThat(root.resolve("dev/null")).doesNotExist();
        assertThat(root.resolve("dev/sda")).doesNotExist();
        assertThat(root.resolve("fifo")).doesNotExist();
        assertThat(root.resolve("ok")).hasContent("ok");
    }

    @Test
    void dropsSetuidAndSetgidBits() throws IOException {
        apply(new TarBuilder().file("su", "x", 06755).tar());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("su")))).isEqualTo("rwxr-xr-x");
        assertThat((Integer) Files.getAttribute(root.resolve("su"), "unix:mode") & 07000).isZero();
    }

    @Test
    void whiteoutDeletesAFileOrDirectoryOfALowerLayer() {
        apply(new TarBuilder().file("etc/a", "a").file("etc/b", "b").file("opt/x/y", "y").tar());
        apply(new TarBuilder().file("etc/.wh.a", "").file("opt/.wh.x", "").tar());
        assertThat(root.resolve("etc/a")).doesNotExist();
        assertThat(root.resolve("etc/.wh.a")).doesNotExist();
        assertThat(root.resolve("etc/b")).hasContent("b");
        assertThat(root.resolve("opt/x")).doesNotExist();
    }

    @Test
    void whiteoutDeletesASymlinkNotItsTarget() {
        apply(new TarBuilder().symlink("link", outside.resolve("victim").toString()).tar());
        apply(new TarBuilder().file(".wh.link", "").tar());
        assertThat(root.resolve("link")).doesNotExist();
        assertThat(outside.resolve("victim")).hasContent("original");
    }

    @Test
    void opaqueWhiteoutBeforeTheLayersOwnFilesEmptiesTheLowerDirectory() {
        apply(new TarBuilder().file("d/old", "old").file("d/sub/old2", "old").tar());
        apply(new TarBuilder().dir("d").file("d/.wh..wh..opq", "").file("d/new", "new").tar());
        assertThat(root.resolve("d/old")).doesNotExist();
        assertThat(root.resolve("d/sub")).doesNotExist();
        assertThat(root.resolve("d/new")).hasContent("new");
        assertThat(root.resolve("d/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void opaqueWhiteoutAfterTheLayersOwnFilesKeepsThemAndEmptiesTheLowerContent() {
        apply(new TarBuilder().file("d/old", "old").file("d/sub/old2", "old").file("d/keep/lower", "x").tar());
        apply(new TarBuilder().file("d/new", "new").file("d/keep/upper", "u").file("d/.wh..wh..opq", "").tar());
        assertThat(root.resolve("d/old")).doesNotExist();
        assertThat(root.resolve("d/sub")).doesNotExist();
        assertThat(root.resolve("d/keep/lower")).doesNotExist();
        assertThat(root.resolve("d/keep/upper")).hasContent("u");
        assertThat(root.resolve("d/new")).hasContent("new");
    }

    @Test
    void whiteoutDoesNotHideTheSameLayersFile() {
        apply(new TarBuilder().file("f", "new").file(".wh.f", "").tar());
        assertThat(root.resolve("f")).hasContent("new");
    }

    @Test
    void aLaterLayerReplacesADirectoryWithAFile() {
        apply(new TarBuilder().file("x/inner", "i").tar());
        apply(new TarBuilder().file("x", "now a file").tar());
        assertThat(root.resolve("x")).hasContent("now a file");
    }

    @Test
    void capsTheUnpackedSizeAndSaysTheLimitCanBeRaised() {
        LayerUnpacker small = new LayerUnpacker(root, "big/image:1", 1000);
        byte[] layer = new TarBuilder().file("big", "x".repeat(1500)).tar();
        assertThatThrownBy(() -> small.apply(new ByteArrayInputStream(layer), DIGEST))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("big/image:1")
                .hasMessageContaining("1000 bytes")
                .hasMessageContaining("raise");
    }

    @Test
    void reportsATruncatedLayerAsCorrupt() {
        byte[] full = new TarBuilder().file("a", "x".repeat(5000)).gzip();
        byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> apply(cut)).isInstanceOf(ImageException.class)
                .hasMessageContaining("cannot unpack layer " + DIGEST);
    }

    @Test
    void directoriesStayWritableByTheOwnerSoTheCacheCanBeDeleted() throws IOException {
        TarBuilder t = new TarBuilder();
        apply(t.file("ro/f", "x").tar());
        Files.setPosixFilePermissions(root.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
        apply(new TarBuilder().dir("ro").file("ro/g", "y").tar());
        assertThat(Files.getPosixFilePermissions(root.resolve("ro"))).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.isSymbolicLink(root.resolve("ro"))).isFalse();
        assertThat(Files.exists(root.resolve("ro/g"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
