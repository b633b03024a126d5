package scar.image;

import java.nio.file.Path;
import java.util.Optional;

/** The image cache: pulls or loads images once and hands out their unpacked root filesystems. */
public interface ImageStore {
    /** A run's hold on an image; closing it never fails. */
    interface InUse extends AutoCloseable {
        @Override
        void close();
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
}
