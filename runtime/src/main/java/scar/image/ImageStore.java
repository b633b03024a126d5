package scar.image;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** The image cache: pulls or loads images once and hands out their unpacked root filesystems. */
public interface ImageStore {
    /** A run's hold on an image; closing it never fails. */
    interface InUse extends AutoCloseable {
        @Override
        void close();
    }

    /** An image looked up and marked in use in one step (see {@link #acquire}); closing it releases the image. */
    record Held(Image image, InUse inUse) implements AutoCloseable {
        @Override
        public void close() {
            inUse.close();
        }
    }

    /** Pulls {@code ref} unless an image for it is cached, unpacks it once, returns it. */
    Image pull(ImageRef ref);

    /** Loads a {@code docker save} tarball, an OCI archive or an OCI layout directory into the cache. */
    Image load(Path archive);

    /** The cached image with this id, without touching the network. */
    Optional<Image> find(String imageId);

    /**
     * Where each run's private root filesystem is made: on the same filesystem as the images,
     * so that it can be assembled with hardlinks.
     */
    default Path runsDir(Image image) {
        return image.rootfs().resolveSibling("runs");
    }

    /**
     * Forgets a cached image that a run damaged; the next use pulls or loads it again. Runs that
     * already have their own root filesystem are not affected.
     */
    default void discard(Image image) {
    }

    /**
     * Marks the image as in use by a run until the handle is closed, so that making room in the
     * cache never removes it, and records the use for least-recently-used eviction.
     */
    default InUse use(Image image) {
        return () -> { };
    }

    /**
     * Looks an image up with {@code lookup} (find, pull or load) and marks it in use, so that
     * making room in the cache cannot remove it between the lookup and the run: a store that
     * evicts must make sure the image it returns is still there once marked, looking it up again
     * if not. This default, for stores that never evict, marks it after the lookup.
     */
    default Held acquire(Supplier<Image> lookup) {
        Image image = lookup.get();
        return new Held(image, use(image));
    }
}
