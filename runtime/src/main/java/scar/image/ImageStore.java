package scar.image;

import java.nio.file.Path;
import java.util.Optional;

/** The image cache: pulls or loads images once and hands out their unpacked root filesystems. */
public interface ImageStore {
    /** Pulls {@code ref} unless an image for it is cached, unpacks it once, returns it. */
    Image pull(ImageRef ref);

    /** Loads a {@code docker save} tarball (or OCI archive) from disk into the cache. */
    Image load(Path archive);

    /** The cached image with this id, without touching the network. */
    Optional<Image> find(String imageId);
}
