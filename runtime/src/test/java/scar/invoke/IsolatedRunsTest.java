package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageRef;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;
import scar.testing.SharedRegistry;
import scar.testing.TestImages;

/** Every run starts from the image as pulled, whatever an earlier run did to its files. */
class IsolatedRunsTest {
    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String ref;

    @TempDir
    Path dir;

    @BeforeAll
    static void pushImage() throws IOException {
        ref = REGISTRY.images().push(REGISTRY.registry(), "isolated:1",
                TestImages.Spec.cowsay());
    }

    private final List<String> lines = new ArrayList<>();

    /** One per test, as in a session: its runs remember the trees they leave, and reuse them without a walk. */
    private Supervisor supervisor;

    private InvocationResult run(LocalImageStore store, Image image, String rid, String script) {
        FunctionSpec fn = new FunctionSpec("iso", ref, image.id(), 512, 60, 5, null, Map.of(), null);
        if (supervisor == null) {
            supervisor = new Supervisor(store, new ProotExecutor(), dir.resolve("work"));
        }
        return supervisor.invoke(fn, new InvocationRequest(rid, script, List.of(), Map.of()), lines::add);
    }

    @Test
    void aReusedTreeStillCatchesAWriteIntoAnImageFileAndAnAddedFileInAnyDirectory() throws IOException {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        Image image = store.pull(ImageRef.parse(ref));

        run(store, image, "r1", "true");
        run(store, image, "r2", "echo hidden > /usr/games/.new");
        assertThat(run(store, image, "r3", "ls -a /usr/games").output()).isEqualTo(".\n..\ncowsay\n");
        assertThat(lines).noneMatch(l -> l.startsWith("scar:"));

        run(store, image, "r4", "echo 'intruder:x:0:0::/:/bin/sh' >> /etc/passwd");
        assertThat(lines).anyMatch(l -> l.contains("changed 1 file(s) of image " + ref) && l.contains("/etc/passwd"));
        assertThat(run(store, image, "r5", "cat /etc/passwd").output()).doesNotContain("intruder");
    }

    @Test
    void filesAContainerDeletesRenamesOrAddsAreBackInTheNextRun() throws IOException {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        Image image = store.pull(ImageRef.parse(ref));

        InvocationResult first = run(store, image, "r1",
                "mv /usr/games/cowsay /usr/games/moved && rm /etc/group /bin/cat && echo new > /etc/added && ls /usr/games /etc");
        assertThat(first.output()).isEqualTo("/etc:\nadded\nhosts\npasswd\nresolv.conf\n\n/usr/games:\nmoved\n");

        InvocationResult second = run(store, image, "r2", "ls /usr/games /etc; cat /etc/group | wc -l");
        assertThat(second.output()).isEqualTo("/etc:\ngroup\nhosts\npasswd\nresolv.conf\n\n/usr/games:\ncowsay\n2\n");
        assertThat(image.rootfs().resolve("usr/games/cowsay")).isRegularFile();
        assertThat(store.find(image.id())).isPresent();
        assertThat(lines).noneMatch(l -> l.startsWith("scar:"));
        // the changed tree is gone; only the unchanged one of the second run is kept, for reuse
        assertThat(runsLeft()).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).startsWith("spare-"));
    }

    @Test
    void aReusedTreeShowsEachRunOnlyItsOwnDirectoryUnderTmp() throws IOException {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        Image image = store.pull(ImageRef.parse(ref));

        assertThat(run(store, image, "r1", "ls -a /tmp").output()).isEqualTo(".\n..\nr1\n");
        assertThat(run(store, image, "r2", "ls -a /tmp").output()).isEqualTo(".\n..\nr2\n");
        assertThat(run(store, image, "r3", "ls -a /tmp; touch /tmp/r3/x").output()).isEqualTo(".\n..\nr3\n");
        assertThat(runsLeft()).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).startsWith("spare-"));
    }

    @Test
    void aContainerThatWritesIntoAnImageFileGetsThatImageFetchedAgainForTheNextRun() throws IOException {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        Image image = store.pull(ImageRef.parse(ref));

        run(store, image, "r1", "echo 'intruder:x:0:0::/:/bin/sh' >> /etc/passwd; chmod 600 /etc/group");
        assertThat(lines).anyMatch(l -> l.contains("changed 2 file(s) of image " + ref) && l.contains("discarded"));
        assertThat(store.find(image.id())).isEmpty();

        // the function runs again: its image is pulled again and is as it was
        InvocationResult second = run(store, image, "r2", "cat /etc/passwd; ls -l /etc/group");
        assertThat(second.output()).doesNotContain("intruder").contains("root:x:0:0").contains("-rw-r--r--");
    }

    @Test
    void aTreeARunLeftAsTheImageIsIsKeptForTheNextRunAndAChangedOneIsNot() throws IOException {
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        Image image = store.pull(ImageRef.parse(ref));

        run(store, image, "r1", "cat /etc/passwd > /dev/null; echo scratch > /tmp/r1/output/x");
        assertThat(runsLeft()).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).startsWith("spare-"));

        InvocationResult second = run(store, image, "r2", "ls /usr/games; rm /usr/games/cowsay");
        assertThat(second.output()).isEqualTo("cowsay\n");
        assertThat(runsLeft()).isEmpty(); // the spare was taken, and the changed tree removed

        assertThat(run(store, image, "r3", "ls /usr/games").output()).isEqualTo("cowsay\n");
    }

    @Test
    void aFunctionFromAnImageFileOrLayoutWrittenInPlaceIsLoadedAgainFromItForTheNextRun() throws IOException {
        TestImages images = new TestImages(Files.createDirectories(dir.resolve("build")));
        Path tarball = images.dockerArchive("saved:1", TestImages.Spec.cowsay());
        Path layout = images.buildOci("1", TestImages.Spec.cowsay().withEnv("FROM=layout"));
        LocalImageStore store = new LocalImageStore(dir.resolve("cache"), new RegistryClient(), 256L << 20);
        int n = 0;
        for (Path file : List.of(tarball, layout)) {
            n++;
            lines.clear();
            Image image = store.load(file);
            FunctionSpec fn = new FunctionSpec("iso", file.toString(), image.id(), 512, 60, 5, null, Map.of(), null);
            supervisor = new Supervisor(store, new ProotExecutor(), dir.resolve("work"));

            supervisor.invoke(fn, new InvocationRequest("w" + n,
                    "echo 'intruder:x:0:0::/:/bin/sh' >> /etc/passwd", List.of(), Map.of()), lines::add);
            assertThat(lines).anyMatch(l -> l.contains("changed 1 file(s) of image") && l.contains("discarded"));
            assertThat(store.find(image.id())).isEmpty();

            InvocationResult again = supervisor.invoke(fn, new InvocationRequest("r" + n,
                    "cat /etc/passwd", List.of(), Map.of()), lines::add);
            assertThat(again.exitCode()).isZero();
            assertThat(again.output()).doesNotContain("intruder").contains("root:x:0:0");
        }
    }

    private List<Path> runsLeft() throws IOException {
        Path runs = dir.resolve("cache/runs");
        if (!Files.exists(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.toList();
        }
    }
}
