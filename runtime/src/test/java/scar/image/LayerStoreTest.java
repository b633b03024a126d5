package scar.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.CountingProxy;
import scar.testing.SharedRegistry;
import scar.testing.TestImages;
import scar.testing.Tools;

/**
 * The content-addressed layer store: layers shared between images are fetched and unpacked once,
 * images are assembled by hardlinks with whiteouts applied in layer order, and damage is never trusted.
 */
class LayerStoreTest {
    private static final long LIMIT = 256L << 20;

    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    /** Two images on one base layer (busybox + cowsay), each with an upper layer of its own. */
    static String first;
    static String second;
    static String baseDigest;
    /** The OCI layout the images were built in: tags base, first, second and third (never pushed). */
    static Path layout;

    @TempDir
    Path dir;

    @BeforeAll
    static void pushImagesSharingABase() throws IOException {
        layout = REGISTRY.images()
                .buildOci("base", TestImages.Spec.cowsay().withFiles(root -> write(root.resolve("opt/app/base.txt"), "base")));
        String umoci = Tools.require("umoci", "umoci").toString();
        String skopeo = Tools.require("skopeo", "skopeo").toString();
        first = upper(layout, umoci, skopeo, "first", root -> {
            delete(root.resolve("opt/app/base.txt"));
            write(root.resolve("opt/app/first.txt"), "first");
            write(root.resolve("opt/app/pad"), "x".repeat(8192)); // the first upper layer is the bigger one
        });
        second = upper(layout, umoci, skopeo, "second", root -> {
            write(root.resolve("opt/app/second.txt"), "second");
            write(root.resolve("opt/app/pad"), "y".repeat(4096));
        });
        tagged(layout, umoci, "third", root -> write(root.resolve("opt/app/third.txt"), "third"));
        baseDigest = new RegistryClient().resolve(ImageRef.parse(first)).layers().get(0).digest();
    }

    /** A new tag NAME on the base with one more layer made by {@code change}. */
    private static void tagged(Path layout, String umoci, String name, java.util.function.Consumer<Path> change) {
        Path bundle = layout.resolveSibling("bundle-" + name);
        Tools.run(layout.getParent(), List.of(umoci, "unpack", "--rootless", "--image", layout + ":base", bundle.toString()));
        change.accept(bundle.resolve("rootfs"));
        Tools.run(layout.getParent(), List.of(umoci, "repack", "--image", layout + ":" + name, bundle.toString()));
    }

    /** A new tag on the base with one more layer made by {@code change}, pushed as NAME:1. */
    private static String upper(Path layout, String umoci, String skopeo, String name,
                                java.util.function.Consumer<Path> change) {
        tagged(layout, umoci, name, change);
        String ref = REGISTRY.registry().address() + "/" + name + ":1";
        Tools.run(layout.getParent(), List.of(skopeo, "copy", "--quiet", "--dest-tls-verify=false",
                "oci:" + layout + ":" + name, "docker://" + ref));
        return ref;
    }

    /** Counts layer downloads (each a blob GET), by layer digest. */
    private static final class Downloads implements LocalImageStore.Listener {
        final Map<String, AtomicInteger> byDigest = new ConcurrentHashMap<>();

        @Override
        public void downloading(ImageRef ref, Descriptor layer, int index, int count) {
            byDigest.computeIfAbsent(layer.digest(), d -> new AtomicInteger()).incrementAndGet();
        }

        int of(String digest) {
            AtomicInteger n = byDigest.get(digest);
            return n == null ? 0 : n.get();
        }
    }

    private LocalImageStore store(LocalImageStore.Listener listener) {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT, listener);
    }

    @Test
    void twoImagesSharingABaseLayerFetchItOnceAndShareItsFiles() throws IOException {
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);

        Image one = store.pull(ImageRef.parse(first));
        Image two = store.pull(ImageRef.parse(second));

        assertThat(downloads.of(baseDigest)).isEqualTo(1);
        assertThat(downloads.byDigest).hasSize(3); // the base and one upper layer each
        Path busyboxOne = one.rootfs().resolve("bin/busybox");
        Path busyboxTwo = two.rootfs().resolve("bin/busybox");
        assertThat(Files.getAttribute(busyboxOne, "unix:ino")).isEqualTo(Files.getAttribute(busyboxTwo, "unix:ino"));
        assertThat(Files.getAttribute(busyboxOne, "unix:ino"))
                .isEqualTo(Files.getAttribute(layerTree(baseDigest).resolve("bin/busybox"), "unix:ino"));
        // each image sees its own upper layer, and the first one's whiteout hides the base file only there
        assertThat(one.rootfs().resolve("opt/app/first.txt")).hasContent("first");
        assertThat(one.rootfs().resolve("opt/app/base.txt")).doesNotExist();
        assertThat(one.rootfs().resolve("opt/app/second.txt")).doesNotExist();
        assertThat(two.rootfs().resolve("opt/app/second.txt")).hasContent("second");
        assertThat(two.rootfs().resolve("opt/app/base.txt")).hasContent("base");
        assertThat(layerTree(baseDigest).resolve("opt/app/base.txt")).hasContent("base");
        try (Stream<Path> all = Files.walk(one.rootfs())) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
        }
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    @Test
    void twoImagesSharingABaseLayerPulledAtOnceFromTwoStoresFetchItOnce() throws Exception {
        Downloads downloads = new Downloads();
        LocalImageStore one = store(downloads);
        LocalImageStore two = store(downloads); // another shell on the same cache
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> one.pull(ImageRef.parse(first)));
            var b = pool.submit(() -> two.pull(ImageRef.parse(second)));
            assertThat(a.get().rootfs().resolve("opt/app/first.txt")).hasContent("first");
            assertThat(b.get().rootfs().resolve("opt/app/second.txt")).hasContent("second");
        } finally {
            pool.shutdownNow();
        }
        assertThat(downloads.of(baseDigest)).isEqualTo(1);
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    @Test
    void twoProcessesPullingTwoImagesSharingABaseLayerAtOnceFetchItOnceAndBothTreesAreRight() throws Exception {
        try (CountingProxy proxy = CountingProxy.start(REGISTRY.registry().address())) {
            String viaFirst = first.replace(REGISTRY.registry().address(), proxy.address());
            String viaSecond = second.replace(REGISTRY.registry().address(), proxy.address());
            // the base layer's download waits until both processes have asked for their image: they overlap for sure
            proxy.holdBlobUntil(baseDigest, List.of("/v2/first/manifests/", "/v2/second/manifests/"));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path cache = dir.resolve("cache");
            List<Process> processes = new ArrayList<>();
            for (String ref : List.of(viaFirst, viaSecond)) {
                processes.add(new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                        PullInAnotherProcess.class.getName(), ref, cache.toString()).redirectErrorStream(true).start());
            }
            List<Path> rootfs = new ArrayList<>();
            for (Process p : processes) {
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(output).isZero();
                assertThat(output).as("each process builds its own image").startsWith("built ");
                rootfs.add(Path.of(output.substring("built ".length())));
            }

            assertThat(proxy.blobGets(baseDigest)).as(String.join("\n", proxy.requests())).isEqualTo(1);
            for (String ref : List.of(first, second)) {
                String upper = new RegistryClient().resolve(ImageRef.parse(ref)).layers().get(1).digest();
                assertThat(proxy.blobGets(upper)).isEqualTo(1);
            }
            Path one = rootfs.get(0);
            Path two = rootfs.get(1);
            assertThat(one.resolve("opt/app/first.txt")).hasContent("first");
            assertThat(one.resolve("opt/app/base.txt")).doesNotExist();
            assertThat(one.resolve("opt/app/second.txt")).doesNotExist();
            assertThat(two.resolve("opt/app/second.txt")).hasContent("second");
            assertThat(two.resolve("opt/app/base.txt")).hasContent("base");
            assertThat(Files.getAttribute(one.resolve("usr/games/cowsay"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(two.resolve("usr/games/cowsay"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(layerTree(baseDigest).resolve("usr/games/cowsay"), "unix:ino"));
            assertThat(storedLayers()).hasSize(3);
            assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        }
    }

    @Test
    void aLayerWithAFileRemovedOnDiskIsDiscardedWithItsImagesAndFetchedAgain() throws IOException {
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        Image one = store.pull(ImageRef.parse(first));
        Files.delete(layerTree(baseDigest).resolve("usr/games/cowsay"));

        Image two = store.pull(ImageRef.parse(second));

        assertThat(downloads.of(baseDigest)).isEqualTo(2);
        assertThat(two.rootfs().resolve("usr/games/cowsay")).isRegularFile();
        assertThat(store.find(one.id())).isEmpty(); // its files were the damaged layer's
        assertThat(store.pull(ImageRef.parse(first)).rootfs().resolve("usr/games/cowsay")).isRegularFile();
        assertThat(downloads.of(baseDigest)).isEqualTo(2);
    }

    @Test
    void aLayerWhoseWhiteoutMarkersWereChangedIsDiscardedAndFetchedAgain() throws IOException {
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        String upperDigest = new RegistryClient().resolve(ImageRef.parse(first)).layers().get(1).digest();
        store.pull(ImageRef.parse(first));
        Path manifest = layerTree(upperDigest).resolveSibling("layer.json");
        String json = Files.readString(manifest);
        assertThat(json).contains("opt/app/base.txt");
        Files.writeString(manifest, json.replace("opt/app/base.txt", "bin/busybox"));
        // the image is rebuilt from its layers when it is gone
        store.discard(store.find(idOf(first)).orElseThrow());
        assertThat(layerTree(upperDigest)).doesNotExist(); // discarding an image discards its layers

        Image again = store.pull(ImageRef.parse(first));

        assertThat(downloads.of(upperDigest)).isEqualTo(2);
        assertThat(again.rootfs().resolve("bin/busybox")).isRegularFile();
        assertThat(again.rootfs().resolve("opt/app/base.txt")).doesNotExist();
    }

    @Test
    void aTamperedManifestIsNeverTrustedEvenIfTheImageIsBuiltAnew() throws IOException {
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        String upperDigest = new RegistryClient().resolve(ImageRef.parse(first)).layers().get(1).digest();
        Image one = store.pull(ImageRef.parse(first));
        Path manifest = layerTree(upperDigest).resolveSibling("layer.json");
        Files.writeString(manifest, Files.readString(manifest).replace("opt/app/base.txt", "bin/busybox"));
        // the image goes by another way than discard (e.g. evicted by a smaller cache): only its directory
        deleteTree(dir.resolve("cache/images").resolve(Digests.hex(one.id())));

        Image again = store.pull(ImageRef.parse(first));

        assertThat(downloads.of(upperDigest)).isEqualTo(2);
        assertThat(again.rootfs().resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void discardingAnImageWrittenInPlaceDiscardsItsLayersAndEveryImageSharingThem() throws IOException {
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        Image one = store.pull(ImageRef.parse(first));
        Image two = store.pull(ImageRef.parse(second));

        store.discard(one); // what a run that wrote into one of its hardlinked files leads to

        assertThat(store.find(one.id())).isEmpty();
        assertThat(store.find(two.id())).isEmpty(); // it shared the damaged base layer's files
        assertThat(layerTree(baseDigest)).doesNotExist();
        assertThat(store.pull(ImageRef.parse(second)).rootfs().resolve("opt/app/second.txt")).hasContent("second");
        assertThat(downloads.of(baseDigest)).isEqualTo(2);
    }

    @Test
    void evictionRemovesLayersNoCachedImageUses() throws IOException {
        LocalImageStore probe = new LocalImageStore(dir.resolve("probe"), new RegistryClient(), LIMIT);
        probe.pull(ImageRef.parse(first));
        long layersBytes = new CacheSpace(dir.resolve("probe"), Long.MAX_VALUE).layers().values().stream()
                .mapToLong(Long::longValue).sum();
        // room for the first image's layers and a bit: the second's (smaller) upper layer fits only once the first image goes
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT,
                layersBytes + 1024, new LocalImageStore.Listener() {
                }, Duration.ofHours(6));
        Image one = store.pull(ImageRef.parse(first));
        String firstUpper = new RegistryClient().resolve(ImageRef.parse(first)).layers().get(1).digest();
        String secondUpper = new RegistryClient().resolve(ImageRef.parse(second)).layers().get(1).digest();
        store.pull(ImageRef.parse(second));

        assertThat(store.find(one.id())).isEmpty();
        assertThat(layerTree(firstUpper)).doesNotExist();
        assertThat(layerTree(baseDigest)).isDirectory(); // the second image uses it
        assertThat(layerTree(secondUpper)).isDirectory();
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    // ---- images from files (-if) share the store with registry images

    /** {@code skopeo copy oci:LAYOUT:TAG TRANSPORT:FILE...}: a docker save tarball or an OCI archive of a tag. */
    private Path saved(String tag, String transport, String suffix) {
        Path file = dir.resolve(tag + suffix);
        String dest = transport.equals("docker-archive") ? file + ":saved/" + tag + ":1" : file + ":" + tag;
        Tools.run(dir, List.of(Tools.require("skopeo", "skopeo").toString(), "copy", "--quiet",
                "oci:" + layout + ":" + tag, transport + ":" + dest));
        return file;
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private List<String> storedLayers() throws IOException {
        try (Stream<Path> all = Files.list(dir.resolve("cache/layers"))) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDockerSaveTarballAndAnOciArchiveOnTheBaseOfAPulledImageShareItsBaseLayer() throws IOException {
        Path tarball = saved("second", "docker-archive", ".tar");
        Path archive = saved("third", "oci-archive", ".oci.tar");
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        Image pulled = store.pull(ImageRef.parse(first));

        Image fromTarball = store.load(tarball);
        Image fromArchive = store.load(archive);

        assertThat(downloads.of(baseDigest)).isEqualTo(1);
        // one busybox on disk: the base layer's, unpacked once, linked into all three images
        Object busybox = inode(layerTree(baseDigest).resolve("bin/busybox"));
        assertThat(inode(pulled.rootfs().resolve("bin/busybox"))).isEqualTo(busybox);
        assertThat(inode(fromTarball.rootfs().resolve("bin/busybox"))).isEqualTo(busybox);
        assertThat(inode(fromArchive.rootfs().resolve("bin/busybox"))).isEqualTo(busybox);
        assertThat(storedLayers()).hasSize(4); // the base, and the upper layer of each image
        assertThat(fromTarball.rootfs().resolve("opt/app/second.txt")).hasContent("second");
        assertThat(fromTarball.rootfs().resolve("opt/app/base.txt")).hasContent("base");
        assertThat(fromArchive.rootfs().resolve("opt/app/third.txt")).hasContent("third");
        assertThat(fromArchive.rootfs().resolve("opt/app/second.txt")).doesNotExist();
        assertThat(pulled.rootfs().resolve("opt/app/base.txt")).doesNotExist();
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        // loading again finds the images; a new store on the same cache too
        assertThat(store(downloads).load(tarball).rootfs()).isEqualTo(fromTarball.rootfs());
    }

    @Test
    void aRegistryImageOnTheBaseOfALoadedTarballDownloadsOnlyItsOwnLayer() throws IOException {
        Path tarball = saved("third", "docker-archive", ".tar");
        Downloads downloads = new Downloads();
        LocalImageStore store = store(downloads);
        Image loaded = store.load(tarball);

        Image pulled = store.pull(ImageRef.parse(second));

        assertThat(downloads.of(baseDigest)).isZero();
        assertThat(downloads.byDigest).hasSize(1); // its own upper layer
        assertThat(inode(pulled.rootfs().resolve("usr/games/cowsay"))).isEqualTo(inode(loaded.rootfs().resolve("usr/games/cowsay")));
        assertThat(pulled.rootfs().resolve("opt/app/second.txt")).hasContent("second");
        assertThat(storedLayers()).hasSize(3);
        // damage to the shared base is damage to both: discarding one discards the other, and the next pull fetches it
        store.discard(pulled);
        assertThat(store.find(loaded.id())).isEmpty();
        assertThat(store.pull(ImageRef.parse(second)).rootfs().resolve("bin/busybox")).isRegularFile();
        assertThat(downloads.of(baseDigest)).isEqualTo(1);
    }

    // ---- assembly from crafted layers

    private Path assembled(byte[]... tars) throws IOException {
        List<LayerStore.StoredLayer> layers = new ArrayList<>();
        for (int i = 0; i < tars.length; i++) {
            Path tree = Files.createDirectories(dir.resolve("layer-" + i));
            LayerUnpacker unpacker = LayerUnpacker.forLayer(tree, "crafted", new LayerUnpacker.Limit(LIMIT, "raise it"), 0);
            String diffId = unpacker.apply(new java.io.ByteArrayInputStream(tars[i]), "layer " + i);
            // what the unpacker counted is what a walk of the tree finds (what a later check compares)
            if (unpacker.counts() != null) {
                assertThat(unpacker.counts()).containsExactly(LayerStore.fingerprint(tree));
            }
            layers.add(new LayerStore.StoredLayer("sha256:" + "0".repeat(64), diffId, tree, unpacker.whiteouts(),
                    unpacker.opaques(), 0, 0, unpacker.links()));
        }
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        LayerStore.assemble(layers, rootfs, "crafted");
        return rootfs;
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesApplyInLayerOrderWhateverTheirPlaceInTheTar() throws IOException {
        Path root = assembled(
                new TarBuilder().file("etc/a", "a").file("etc/b", "b").file("d/old", "old").file("d/keep/lower", "x")
                        .file("e/old", "old").file("f", "lower").tar(),
                // opaque after this layer's own files in d, before them in e; a whiteout of its own file f
                new TarBuilder().file("etc/.wh.a", "").file("d/new", "new").file("d/keep/upper", "u")
                        .file("d/.wh..wh..opq", "").dir("e").file("e/.wh..wh..opq", "").file("e/new", "new")
                        .file("f", "upper").file(".wh.f", "").tar());
        assertThat(root.resolve("etc/a")).doesNotExist();
        assertThat(root.resolve("etc/b")).hasContent("b");
        assertThat(root.resolve("d/old")).doesNotExist();
        assertThat(root.resolve("d/keep/lower")).doesNotExist();
        assertThat(root.resolve("d/keep/upper")).hasContent("u");
        assertThat(root.resolve("d/new")).hasContent("new");
        assertThat(root.resolve("e/old")).doesNotExist();
        assertThat(root.resolve("e/new")).hasContent("new");
        assertThat(root.resolve("f")).hasContent("upper");
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
        }
        // the layer trees keep their files: whiteouts are markers, applied only to the image
        assertThat(dir.resolve("layer-0/etc/a")).hasContent("a");
        assertThat(Files.getAttribute(root.resolve("etc/b"), "unix:ino"))
                .isEqualTo(Files.getAttribute(dir.resolve("layer-0/etc/b"), "unix:ino"));
    }

    @Test
    void anUpperDirectoryReplacesALowerSymlinkInsteadOfWritingThroughIt() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path root = assembled(
                new TarBuilder().symlink("etc", outside.toString()).symlink("rel", "../outside").tar(),
                new TarBuilder().file("etc/passwd", "x").file("rel/f", "y").file(".wh.nothing", "").tar());
        assertThat(root.resolve("etc")).isDirectory();
        assertThat(Files.isSymbolicLink(root.resolve("etc"))).isFalse();
        assertThat(root.resolve("etc/passwd")).hasContent("x");
        assertThat(root.resolve("rel/f")).hasContent("y");
        try (Stream<Path> all = Files.list(outside)) {
            assertThat(all).isEmpty();
        }
    }

    @Test
    void aWhiteoutUnderALowerSymlinkDeletesNothingThroughIt() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "original");
        Path root = assembled(
                new TarBuilder().symlink("link", outside.toString()).tar(),
                new TarBuilder().file("link/.wh.victim", "").file("other/.wh..wh..opq", "").tar());
        assertThat(outside.resolve("victim")).hasContent("original");
        assertThat(Files.isSymbolicLink(root.resolve("link"))).isTrue();
    }

    @Test
    void aLayersFingerprintIsCountedWhileUnpackingAsAWalkWouldCountIt() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("layer"));
        LayerUnpacker unpacker = LayerUnpacker.forLayer(tree, "crafted", new LayerUnpacker.Limit(LIMIT, "raise it"), 0);
        unpacker.apply(new java.io.ByteArrayInputStream(new TarBuilder().file("a/b/c", "abc").dir("d").dir("a")
                .symlink("s", "a/b/c").hardlink("h", "a/b/c").file("e/.wh.x", "").file("z", "").tar()), "crafted");
        assertThat(unpacker.counts()).containsExactly(LayerStore.fingerprint(tree));
        // root, a, a/b, a/b/c, d, s, h, z (a whiteout creates no directory); bytes of c and h
        assertThat(unpacker.counts()).containsExactly(8, 6);
    }

    @Test
    void symlinksAreLinkedAsSymlinksNotFollowed() throws IOException {
        Path root = assembled(new TarBuilder().file("bin/busybox", "bb").symlink("bin/sh", "busybox").tar());
        assertThat(Files.isSymbolicLink(root.resolve("bin/sh"))).isTrue();
        assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.readAttributes(root.resolve("bin/sh"), java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isSymbolicLink()).isTrue();
    }

    // ---- helpers

    private Path layerTree(String digest) {
        return dir.resolve("cache/layers").resolve(Digests.hex(digest)).resolve("tree");
    }

    private static String idOf(String ref) {
        return new RegistryClient().resolve(ImageRef.parse(ref)).id();
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        LayerUnpacker.deleteTree(p);
    }
}
