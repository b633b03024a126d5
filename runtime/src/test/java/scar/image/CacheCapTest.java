package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import scar.exec.RunRootfs;
import scar.testing.SharedRegistry;
import scar.testing.TestImages;

/** cache_max_mb: least-recently-used eviction of images no run holds, with real images from a real registry. */
class CacheCapTest {
    private static final long IMAGE_MAX = 256L << 20;

    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String a;
    static String b;
    static String c;
    /** Unpacked bytes of one of the images (they differ only in their config). */
    static long imageBytes;

    @TempDir
    Path dir;

    @BeforeAll
    static void pushImages() throws IOException {
        TestImages images = REGISTRY.images();
        a = images.push(REGISTRY.registry(), "cap-a:1", distinct("a"));
        b = images.push(REGISTRY.registry(), "cap-b:1", distinct("b"));
        c = images.push(REGISTRY.registry(), "cap-c:1", distinct("c"));
        Image probe = new LocalImageStore(REGISTRY.dir().resolve("probe"), new RegistryClient(), IMAGE_MAX).pull(ImageRef.parse(a));
        imageBytes = CacheSpace.treeBytes(probe.rootfs(), false);
    }

    /** Images with a layer of their own each: the layer store shares identical layers (as a build within one second makes). */
    private static TestImages.Spec distinct(String which) {
        return TestImages.Spec.cowsay().withEnv("WHICH=" + which).withFiles(root -> {
            try {
                Files.writeString(root.resolve("which"), which);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** A store whose cache holds {@code images} images and a half. */
    private LocalImageStore store(double images) {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(), IMAGE_MAX, (long) (imageBytes * images),
                new LocalImageStore.Listener() {
                }, Duration.ofHours(6));
    }

    private void usedAgo(Image image, Duration ago) throws IOException {
        Path lastUsed = dir.resolve("cache/images").resolve(Digests.hex(image.id())).resolve("last-used");
        Files.setLastModifiedTime(lastUsed, FileTime.from(Instant.now().minus(ago)));
    }

    @Test
    void aPullThatWouldPassTheCapEvictsTheLeastRecentlyUsedImage() throws Exception {
        LocalImageStore store = store(2.5);
        Image first = store.pull(ImageRef.parse(a));
        Image second = store.pull(ImageRef.parse(b));
        usedAgo(second, Duration.ofMinutes(10));
        usedAgo(first, Duration.ofMinutes(20));
        store.use(first).close(); // a run of the first image makes the second the least recently used

        Image third = store.pull(ImageRef.parse(c));

        assertThat(store.find(first.id())).isPresent();
        assertThat(store.find(second.id())).isEmpty();
        assertThat(store.find(third.id())).isPresent();
        assertThat(store.findByRef(ImageRef.parse(b))).isEmpty();
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        // evicted means pulled again on next use, and it works
        assertThat(store.pull(ImageRef.parse(b)).rootfs().resolve("usr/games/cowsay")).exists();
    }

    @Test
    void anImageInUseByARunIsNeverEvictedAndThePullSaysWhichSettingToRaise() {
        LocalImageStore store = store(1.5);
        Image running = store.pull(ImageRef.parse(a));
        try (ImageStore.InUse held = store.use(running)) {
            assertThatThrownBy(() -> store.pull(ImageRef.parse(b))).isInstanceOf(ImageException.class)
                    .hasMessageContaining("image " + b + " is too big")
                    .hasMessageContaining("cache_max_mb = ")
                    .hasMessageContaining("raise cache_max_mb in scar.cfg");
            assertThat(store.find(running.id())).isPresent();
        }
        // once the run is over the image can go
        Image next = store.pull(ImageRef.parse(b));
        assertThat(store.find(running.id())).isEmpty();
        assertThat(store.find(next.id())).isPresent();
    }

    @Test
    void anImageEvictedByAnotherStoreBetweenItsLookupAndItsRunIsFetchedAgainAndThenKept() {
        LocalImageStore starting = store(1.5);
        LocalImageStore evicting = store(1.5); // another shell on the same cache
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        try (ImageStore.Held held = starting.acquire(() -> {
            Image found = starting.pull(ImageRef.parse(a));
            if (lookups.incrementAndGet() == 1) {
                // the other shell makes room right after the lookup, before the run marks the image in use
                evicting.pull(ImageRef.parse(b));
                assertThat(found.rootfs()).doesNotExist();
            }
            return found;
        })) {
            assertThat(lookups).hasValue(2);
            assertThat(held.image().rootfs().resolve("usr/games/cowsay")).isRegularFile();
            // once acquired, the other shell cannot take it
            assertThatThrownBy(() -> evicting.pull(ImageRef.parse(c))).isInstanceOf(ImageException.class)
                    .hasMessageContaining("raise cache_max_mb in scar.cfg");
            assertThat(held.image().rootfs().resolve("usr/games/cowsay")).isRegularFile();
        }
        assertThat(evicting.pull(ImageRef.parse(c)).rootfs().resolve("usr/games/cowsay")).isRegularFile();
    }

    @Test
    void anImageThatCanNeverFitFailsWithItsSizeAndTheSettingAndLeavesNothing() {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), IMAGE_MAX,
                imageBytes / 2, new LocalImageStore.Listener() {
                }, Duration.ofHours(6));
        assertThatThrownBy(() -> store.pull(ImageRef.parse(a))).isInstanceOf(ImageException.class)
                .hasMessageContaining("image " + a + " is too big")
                .hasMessageMatching(".*more than [0-9.]+ (KiB|MiB).*")
                .hasMessageContaining("raise cache_max_mb in scar.cfg");
        assertThat(dir.resolve("cache/images")).doesNotExist();
        assertThat(dir.resolve("cache/tmp")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void whatRunTreesWroteCountsAgainstTheCapButTheirHardlinksDoNot() throws Exception {
        LocalImageStore store = store(2.5);
        Image first = store.pull(ImageRef.parse(a));
        // a spare tree of the image: hardlinks, no space of its own
        try (RunRootfs run = RunRootfs.acquire(first.rootfs(), store.runsDir(first), "req-1")) {
            run.seal();
        }
        assertThat(Files.list(dir.resolve("cache/runs"))).hasSize(1);
        Image second = store.pull(ImageRef.parse(b));
        assertThat(store.find(first.id())).isPresent(); // two images fit: the spare cost nothing

        // a run in progress that wrote an image's worth of output
        Path output = Files.createDirectories(dir.resolve("cache/runs/req-2")).resolve("out");
        Files.write(output, new byte[(int) imageBytes]);
        usedAgo(second, Duration.ofMinutes(1));
        usedAgo(first, Duration.ofMinutes(5));
        store.pull(ImageRef.parse(c));
        assertThat(store.find(first.id())).isEmpty();
        assertThat(store.find(second.id())).isEmpty();
        // the evicted image's spare tree went with it (its files would no longer be shared)
        try (var runs = Files.list(dir.resolve("cache/runs"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).containsExactly("req-2");
        }
    }
}
