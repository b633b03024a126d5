package scar.target;

import scar.image.Image;
import scar.image.ImageRef;
import scar.image.ImageStore;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the real image store on first use. Its registry client sets up TLS (~180 classes and a
 * good part of a second on a busy machine), which {@code ls}, {@code rm}, {@code use} and TAB never need.
 */
public final class LazyImageStore implements ImageStore {
    private final Supplier<ImageStore> factory;
    private ImageStore store;

    public LazyImageStore(Supplier<ImageStore> factory) {
        this.factory = factory;
    }

    private synchronized ImageStore store() {
        if (store == null) {
            store = factory.get();
        }
        return store;
    }

    @Override
    public Image pull(ImageRef ref) {
        return store().pull(ref);
    }

    @Override
    public Image load(Path archive) {
        return store().load(archive);
    }

    @Override
    public Optional<Image> find(String imageId) {
        return store().find(imageId);
    }

    // delegated too: the defaults would put run trees inside the image's directory and never discard
    @Override
    public Path runsDir(Image image) {
        return store().runsDir(image);
    }

    @Override
    public void discard(Image image) {
        store().discard(image);
    }

    @Override
    public InUse use(Image image) {
        return store().use(image);
    }

    @Override
    public Held acquire(java.util.function.Supplier<Image> lookup) {
        return store().acquire(lookup);
    }
}
