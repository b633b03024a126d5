package scar.commands;

import scar.testing.TestImages;
import scar.testing.TestRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real registry with the cowsay test image, started on first use and shared by every
 * command test in the JVM: starting a registry and building an image per test class cost
 * seconds each and proved nothing more.
 */
final class SharedImage {
    private static final Holder HOLDER = new Holder();

    private SharedImage() {
    }

    /** The pushed image's reference, e.g. {@code 127.0.0.1:PORT/cowsay:1}. */
    static String reference() {
        return HOLDER.image;
    }

    static TestRegistry registry() {
        return HOLDER.registry;
    }

    private static final class Holder {
        final TestRegistry registry;
        final String image;

        Holder() {
            try {
                Path dir = Files.createTempDirectory("scar-shared-image");
                registry = TestRegistry.start(dir.resolve("registry"));
                image = new TestImages(dir.resolve("images")).push(registry, "cowsay:1");
                Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
