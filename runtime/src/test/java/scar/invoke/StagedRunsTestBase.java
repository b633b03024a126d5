package scar.invoke;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageStore;
import scar.storage.LocalObjectStorage;
import scar.testing.BusyboxRootfs;
import scar.testing.CachedImages;

/**
 * Runs triggered by a bucket's objects, with real proot over a busybox root filesystem: the
 * image (cached, built once per test class), a bucket {@code bkt} and a supervisor over a work
 * folder of the test's own.
 */
abstract class StagedRunsTestBase {
    static final String IMAGE_ID = "sha256:feed";

    @TempDir
    static Path shared;
    static Image image;

    @TempDir
    Path home;

    @BeforeAll
    static void rootfs() {
        Path rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
        image = new Image(IMAGE_ID, "test/busybox", new ImageConfig(List.of(), List.of("/bin/true"), List.of(), "", ""), rootfs);
    }

    /** The busybox image is in the cache; nothing to pull or load. */
    ImageStore images() {
        return new CachedImages(image);
    }

    /** An empty bucket {@code bkt} under the test's folder. */
    LocalObjectStorage bucket() {
        LocalObjectStorage storage = new LocalObjectStorage(home.resolve("buckets"));
        storage.createBucket("bkt");
        return storage;
    }

    static FunctionSpec function(int timeoutSeconds) {
        return new FunctionSpec("f", "test/busybox", IMAGE_ID, 128, timeoutSeconds, 0, null, Map.of(), null);
    }

    /** Runs in {@code work/} under the test's folder, where their work directories can be seen. */
    Supervisor supervisor() {
        return new Supervisor(images(), new ProotExecutor(), home.resolve("work"));
    }
}
