package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.testing.TestImages;
import scar.testing.TestRegistry;

class LocalImageStoreTest {
    private static final long LIMIT = 256L << 20;

    @TempDir
    static Path shared;
    static TestRegistry registry;
    static String cowsay;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start(dir(shared, "registry"));
        cowsay = new TestImages(dir(shared, "images")).push(registry, "cowsay:1",
                TestImages.Spec.cowsay().withEnv("GREETING=hi").withWorkdir("/tmp"));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    private static Path dir(Path parent, String name) {
        try {
            return Files.createDirectories(parent.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void leftoversOfDeadBuildsAndRunsAreRemovedOnTheNextBuildButNotFreshOnesOrLockedBuilds() throws Exception {
        Path cache = dir.resolve("cache");
        String lockedHex = "b".repeat(64);
        Path deadBuild = Files.createDirectories(cache.resolve("tmp/" + "a".repeat(64) + "-111/rootfs/etc"));
        Path lockedBuild = Files.createDirectories(cache.resolve("tmp/" + lockedHex + "-222/rootfs"));
        Path deadLoad = Files.createDirectories(cache.resolve("tmp/load-333"));
        Path deadRun = Files.createDirectories(cache.resolve("runs/req-old/bin"));
        Path freshRun = Files.createDirectories(cache.resolve("runs/req-now"));
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(7)));
        for (Path p : List.of(deadBuild.getParent().getParent(), lockedBuild.getParent(), deadLoad, deadRun.getParent())) {
            Files.setLastModifiedTime(p, longAgo);
        }
        Path lockFile = Files.createDirectories(cache.resolve("locks")).resolve(lockedHex + ".lock");
        try (var channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var held = channel.lock()) {
            store().pull(ImageRef.parse(cowsay));
        }
        assertThat(deadBuild.getParent().getParent()).doesNotExist();
        assertThat(deadLoad).doesNotExist();
        assertThat(deadRun.getParent()).doesNotExist();
        assertThat(lockedBuild.getParent()).exists();
        assertThat(freshRun).exists();
    }

    private LocalImageStore store() {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT);
    }

    private static void assertCowsayRootfs(Image image) {
        Path cow = image.rootfs().resolve("usr/games/cowsay");
        assertThat(cow).isRegularFile();
        assertThat(Files.isExecutable(cow)).isTrue();
        assertThat(image.rootfs().resolve("bin/busybox")).isRegularFile();
        assertThat(image.rootfs().resolve("bin/sh")).isSymbolicLink();
    }

    private List<Path> cacheEntries(String sub) throws IOException {
        Path p = dir.resolve("cache").resolve(sub);
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.toList();
        }
    }

    @Test
    void pullUnpacksTheImageAndReadsItsConfig() throws IOException {
        Image image = store().pull(ImageRef.parse(cowsay));
        assertThat(image.id()).matches("sha256:[0-9a-f]{64}");
        assertThat(image.source()).isEqualTo(cowsay);
        assertThat(image.config().cmd()).containsExactly("/usr/games/cowsay", "Hello");
        assertThat(image.config().env()).contains("GREETING=hi");
        assertThat(image.config().workingDir()).isEqualTo("/tmp");
        // one layer: the image's rootfs is that layer's tree in the layer store
        RemoteImage remote = new RegistryClient().resolve(ImageRef.parse(cowsay));
        assertThat(remote.layers()).hasSize(1);
        assertThat(image.rootfs()).isEqualTo(dir.resolve("cache/layers").resolve(remote.layers().get(0).digest().substring(7))
                .resolve("tree"));
        assertCowsayRootfs(image);
        assertThat(Files.getPosixFilePermissions(image.rootfs().resolve("usr"))).contains(PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void pullingAgainReusesTheCachedImage() {
        AtomicInteger unpacks = new AtomicInteger();
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT,
                new LocalImageStore.Listener() {
                    @Override
                    public void unpacked(Image image) {
                        unpacks.incrementAndGet();
                    }
                });
        Image first = store.pull(ImageRef.parse(cowsay));
        Image second = store.pull(ImageRef.parse(cowsay));
        assertThat(second).isEqualTo(first);
        assertThat(unpacks).hasValue(1);
    }

    @Test
    void pullByDigestVerifiesTheManifest() {
        RemoteImage remote = new RegistryClient().resolve(ImageRef.parse(cowsay));
        String byDigest = cowsay.substring(0, cowsay.lastIndexOf(':')) + "@" + remote.manifestDigest();
        Image image = store().pull(ImageRef.parse(byDigest));
        assertThat(image.id()).isEqualTo(remote.id());
    }

    @Test
    void findWorksOfflineAfterTheRegistryIsStopped() {
        Image pulled;
        try (TestRegistry own = TestRegistry.start(dir(dir, "own-registry"))) {
            String ref = new TestImages(dir(dir, "build")).push(own, "offline:1");
            pulled = store().pull(ImageRef.parse(ref));
            own.stop();
            assertThat(own.isRunning()).isFalse();
        }
        LocalImageStore fresh = store();
        Image found = fresh.find(pulled.id()).orElseThrow();
        assertThat(fresh.findByRef(ImageRef.parse(pulled.source()))).contains(pulled);
        assertThat(fresh.findByRef(ImageRef.parse(pulled.source().replaceFirst(":1$", ":2")))).isEmpty();
        assertThat(found).isEqualTo(pulled);
        assertCowsayRootfs(found);
        assertThat(fresh.find("sha256:" + "0".repeat(64))).isEmpty();
        assertThat(fresh.find("../../etc")).isEmpty();
    }

    @Test
    void unknownTagIsReportedAsNotFound() {
        String ref = registry.address() + "/cowsay:nope";
        assertThatThrownBy(() -> store().pull(ImageRef.parse(ref)))
                .isInstanceOf(ImageException.class)
                .hasMessage("image " + ref + " not found: the registry has no such tag or repository");
        String repo = registry.address() + "/nosuchrepo:1";
        assertThatThrownBy(() -> store().pull(ImageRef.parse(repo)))
                .hasMessage("image " + repo + " not found: the registry has no such tag or repository");
    }

    @Test
    void unreachableRegistryIsOneClearLine() {
        assertThatThrownBy(() -> store().pull(ImageRef.parse("127.0.0.1:1/cowsay:1")))
                .isInstanceOf(ImageException.class)
                .hasMessage("cannot reach registry 127.0.0.1:1: connection refused; check the address and your network");
    }

    @Test
    void corruptBlobIsRejectedWithBothDigestsAndNothingIsCached() throws IOException {
        try (TestRegistry own = TestRegistry.start(dir(dir, "own-registry"))) {
            String ref = new TestImages(dir(dir, "build")).push(own, "corrupt:1");
            RemoteImage remote = new RegistryClient().resolve(ImageRef.parse(ref));
            String layer = remote.layers().get(0).digest();
            Path blob = own.blobFile(layer);
            byte[] bad = Files.readAllBytes(blob);
            bad[bad.length / 2] ^= 0x55; // same size, different content
            Files.write(blob, bad);
            String badDigest = Digests.sha256(bad);

            assertThatThrownBy(() -> store().pull(ImageRef.parse(ref)))
                    .isInstanceOf(ImageException.class)
                    .hasMessageContaining(ref)
                    .hasMessageContaining("expected " + layer)
                    .hasMessageContaining(badDigest)
                    .hasMessageNotContaining("\n");
            assertThat(cacheEntries("images")).isEmpty();
            assertThat(cacheEntries("tmp")).isEmpty();
            assertThat(store().find(remote.id())).isEmpty();
        }
    }

    @Test
    void loadsADockerSaveArchive() {
        Path archive = new TestImages(dir(dir, "build")).dockerArchive("saved:2",
                TestImages.Spec.cowsay().withEntrypoint("/bin/sh", "-c").withCmd("echo hi"));
        Image image = store().load(archive);
        assertThat(image.source()).isEqualTo(archive.toString());
        assertThat(image.config().entrypoint()).containsExactly("/bin/sh", "-c");
        assertThat(image.config().cmd()).containsExactly("echo hi");
        assertCowsayRootfs(image);
        assertThat(store().find(image.id())).contains(image);
    }

    @Test
    void aDockerSaveArchiveWithALayerThatDoesNotMatchItsConfigIsRefusedWithBothDigestsAndNothingIsKept() throws IOException {
        Path archive = new TestImages(dir(dir, "build")).dockerArchive("saved:3", TestImages.Spec.cowsay());
        Path unpacked = dir(dir, "unpacked");
        scar.testing.Tools.run(unpacked, List.of("tar", "-xf", archive.toString()));
        Path layer;
        try (Stream<Path> files = Files.walk(unpacked)) {
            layer = files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 1; // inside busybox's bytes: still a valid tar, with other content
        Files.write(layer, bytes);
        Path tampered = dir.resolve("tampered.tar");
        scar.testing.Tools.run(unpacked, List.of("tar", "-cf", tampered.toString(), "."));

        assertThatThrownBy(() -> store().load(tampered)).isInstanceOf(ImageException.class)
                .hasMessageMatching("image file " + tampered + " is corrupt: expected sha256:[0-9a-f]{64} but the content has sha256:[0-9a-f]{64}");
        assertThat(cacheEntries("images")).isEmpty();
        assertThat(cacheEntries("layers")).isEmpty();
        assertThat(cacheEntries("tmp")).isEmpty();
    }

    @Test
    void loadingAMissingFileSaysSo() {
        Path missing = dir.resolve("nope.tar");
        assertThatThrownBy(() -> store().load(missing)).isInstanceOf(ImageException.class)
                .hasMessage("image file " + missing + " not found");
    }

    @Test
    void loadRejectsAnArchiveWhoseManifestPointsOutside() throws IOException {
        Path archive = dir.resolve("evil.tar");
        Files.write(archive, new TarBuilder()
                .file("manifest.json", "[{\"Config\":\"../../../../etc/passwd\",\"Layers\":[\"/etc/shadow\"]}]").tar());
        assertThatThrownBy(() -> store().load(archive)).isInstanceOf(ImageException.class)
                .hasMessageContaining("unsafe path '../../../../etc/passwd'");
        assertThat(cacheEntries("images")).isEmpty();
        assertThat(cacheEntries("tmp")).isEmpty();
    }

    @Test
    void loadRejectsAnArchiveThatSymlinksOutside() throws IOException {
        Path archive = dir.resolve("evil.tar");
        Files.write(archive, new TarBuilder().symlink("cfg.json", "/etc/passwd")
                .file("manifest.json", "[{\"Config\":\"cfg.json\",\"Layers\":[]}]").tar());
        assertThatThrownBy(() -> store().load(archive)).isInstanceOf(ImageException.class)
                .hasMessageContaining("unsafe path 'cfg.json'");
    }

    @Test
    void aFailedUnpackLeavesNothingBehind() {
        LocalImageStore tiny = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 1000);
        assertThatThrownBy(() -> tiny.pull(ImageRef.parse(cowsay))).isInstanceOf(ImageException.class)
                .hasMessageContaining("too big");
        assertThat(dir.resolve("cache/images")).doesNotExist();
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    @Test
    void concurrentPullsOfTheSameImageUnpackItOnce() throws Exception {
        AtomicInteger unpacks = new AtomicInteger();
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT,
                new LocalImageStore.Listener() {
                    @Override
                    public void unpacked(Image image) {
                        unpacks.incrementAndGet();
                    }
                });
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Image>> results = List.of(
                    pool.submit(() -> { go.await(); return store.pull(ImageRef.parse(cowsay)); }),
                    pool.submit(() -> { go.await(); return store.pull(ImageRef.parse(cowsay)); }));
            go.countDown();
            Image a = results.get(0).get(60, TimeUnit.SECONDS);
            Image b = results.get(1).get(60, TimeUnit.SECONDS);
            assertThat(a).isEqualTo(b);
            assertThat(unpacks).hasValue(1);
            assertThat(cacheEntries("images")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoStoresOnTheSameCacheAlsoUnpackOnce() throws Exception {
        AtomicInteger unpacks = new AtomicInteger();
        LocalImageStore.Listener count = new LocalImageStore.Listener() {
            @Override
            public void unpacked(Image image) {
                unpacks.incrementAndGet();
            }
        };
        LocalImageStore one = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT, count);
        LocalImageStore two = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), LIMIT, count);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Image> a = pool.submit(() -> one.pull(ImageRef.parse(cowsay)));
            Future<Image> b = pool.submit(() -> two.pull(ImageRef.parse(cowsay)));
            assertThat(a.get(60, TimeUnit.SECONDS).id()).isEqualTo(b.get(60, TimeUnit.SECONDS).id());
            assertThat(unpacks).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoProcessesPullingTheSameNewImageUnpackItOnceAndBothUseIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path cache = dir.resolve("cache");
        List<Process> processes = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    PullInAnotherProcess.class.getName(), cowsay, cache.toString()).redirectErrorStream(true).start());
        }
        List<String> outputs = new java.util.ArrayList<>();
        for (Process p : processes) {
            outputs.add(new String(p.getInputStream().readAllBytes()).strip());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(outputs.get(outputs.size() - 1)).isZero();
        }
        assertThat(outputs).filteredOn(o -> o.startsWith("built ")).hasSize(1);
        assertThat(outputs).filteredOn(o -> o.startsWith("reused ")).hasSize(1);
        assertThat(outputs.stream().map(o -> o.substring(o.indexOf(' ') + 1)).distinct()).hasSize(1);
        assertThat(cacheEntries("images")).hasSize(1);
        assertThat(cacheEntries("tmp")).isEmpty();
    }

    @Test
    void aPullFromAPlainHttpRegistryNeedsNoTls() throws Exception {
        // a trust store that cannot be loaded fails any TLS set-up: a pull over http must not
        // need one (setting it up costs a fresh JVM ~0.2 s of CPU)
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djavax.net.ssl.trustStoreType=no-such-type", "-cp",
                System.getProperty("java.class.path"), PullInAnotherProcess.class.getName(), cowsay,
                dir.resolve("cache").toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).startsWith("built ");
    }

    @Test
    void laterLayersDeleteFilesOfLowerLayersThroughWhiteouts() throws IOException {
        TestImages.Spec spec = TestImages.Spec.cowsay()
                .withFiles(root -> write(root.resolve("opt/app/old.txt"), "old"))
                .withLayer(root -> {
                    delete(root.resolve("usr/games/cowsay"));
                    delete(root.resolve("opt/app/old.txt"));
                    write(root.resolve("opt/app/new.txt"), "new");
                });
        try (TestRegistry own = TestRegistry.start(dir(dir, "own-registry"))) {
            String ref = new TestImages(dir(dir, "build")).push(own, "layered:1", spec);
            RemoteImage remote = new RegistryClient().resolve(ImageRef.parse(ref));
            assertThat(remote.layers()).hasSize(2);
            Image image = store().pull(ImageRef.parse(ref));
            assertThat(image.rootfs().resolve("usr/games/cowsay")).doesNotExist();
            assertThat(image.rootfs().resolve("opt/app/old.txt")).doesNotExist();
            assertThat(image.rootfs().resolve("opt/app/new.txt")).hasContent("new");
            assertThat(image.rootfs().resolve("bin/busybox")).isRegularFile();
            try (Stream<Path> all = Files.walk(image.rootfs())) {
                assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
            }
        }
    }

    @Test
    void loadsAnOciArchive() {
        Path archive = new TestImages(dir(dir, "build")).ociArchive("oci:3", TestImages.Spec.cowsay().withCmd("/bin/true"));
        Image image = store().load(archive);
        assertThat(image.config().cmd()).containsExactly("/bin/true");
        assertCowsayRootfs(image);
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
