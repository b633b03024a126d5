package scar.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One real registry for a test class, and a place to build its images: started before the
 * class's own {@code @BeforeAll} (which pushes what it needs), stopped and removed after it.
 * <pre>
 * {@literal @}RegisterExtension
 * static final SharedRegistry REGISTRY = new SharedRegistry();
 * </pre>
 */
public final class SharedRegistry implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private TestRegistry registry;
    private TestImages images;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("scar-registry-");
        registry = TestRegistry.start(Files.createDirectories(dir.resolve("registry")));
        images = new TestImages(Files.createDirectories(dir.resolve("images")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(SharedRegistry::delete);
            }
        }
    }

    public TestRegistry registry() {
        return registry;
    }

    /** Where the class's images are built (umoci layouts), beside the registry. */
    public TestImages images() {
        return images;
    }

    /** A folder of this class's fixture for files of its own (removed with it). */
    public Path dir() {
        return dir;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
