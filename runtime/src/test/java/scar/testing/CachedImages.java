package scar.testing;

import java.nio.file.Path;
import java.util.Optional;
import scar.image.Image;
import scar.image.ImageException;
import scar.image.ImageRef;
import scar.image.ImageStore;

/**
 * An image store whose cache holds one image, found by its id: for tests of what runs an image
 * (supervisor, staging, logs) that need no registry and no archive. A pull or a load fails as an
 * unreachable registry or a bad archive would.
 */
public final class CachedImages implements ImageStore {
    private final Image image;

    public CachedImages(Image image) {
        this.image = image;
    }

    @Override
    public Image pull(ImageRef ref) {
        throw new ImageException("no registry in this test");
    }

    @Override
    public Image load(Path archive) {
        throw new ImageException("no archive in this test");
    }

    @Override
    public Optional<Image> find(String imageId) {
        return image.id().equals(imageId) ? Optional.of(image) : Optional.empty();
    }
}
