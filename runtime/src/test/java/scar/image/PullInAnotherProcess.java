package scar.image;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** Run as its own JVM by a test: pulls args[0] into the cache args[1], prints "built" or "reused" and the rootfs. */
public final class PullInAnotherProcess {
    public static void main(String[] args) {
        AtomicBoolean built = new AtomicBoolean();
        Image image = new LocalImageStore(Path.of(args[1]), new RegistryClient(), 256L << 20, new LocalImageStore.Listener() {
            @Override
            public void unpacked(Image image) {
                built.set(true);
            }
        }).pull(ImageRef.parse(args[0]));
        System.out.println((built.get() ? "built " : "reused ") + image.rootfs());
    }
}
