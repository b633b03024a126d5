package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageRef;
import scar.image.ImageStore;
import scar.storage.LocalObjectStorage;
import scar.testing.BusyboxRootfs;

/**
 * Many staged runs of one function at once in one process, as a batch with high concurrency
 * makes them: the reused work directories and root filesystem trees must never be handed to two
 * runs, so every run sees exactly its own input and writes exactly its own output.
 */
class ConcurrentStagedRunsTest {
    @TempDir
    static Path shared;
    static Image image;

    @TempDir
    Path home;

    @BeforeAll
    static void rootfs() {
        Path rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
        image = new Image("sha256:feed", "test/busybox", new ImageConfig(List.of(), List.of("/bin/true"), List.of(), "", ""), rootfs);
    }

    private final ImageStore images = new ImageStore() {
        @Override
        public Image pull(ImageRef ref) {
            throw new AssertionError("no pull expected");
        }

        @Override
        public Image load(Path archive) {
            throw new AssertionError("no load expected");
        }

        @Override
        public Optional<Image> find(String imageId) {
            return Optional.of(image);
        }
    };

    /** The failing test's script: "bad" inputs leave a partial output and fail, the others are copied. */
    static final String PICKY = """
            case "$(basename "$INPUT_FILE_PATH")" in
              bad-*) echo "working on it"; echo "partial" > "$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).partial";
                     echo "error: cannot parse $(basename $INPUT_FILE_PATH)" >&2; exit 4 ;;
            esac
            cp "$INPUT_FILE_PATH" "$TMP_OUTPUT_DIR/"
            """;

    @Test
    void manyConcurrentRunsEachSeeOnlyTheirOwnInputAndOutput() throws Exception {
        LocalObjectStorage storage = new LocalObjectStorage(home.resolve("buckets"));
        storage.createBucket("bkt");
        int runs = 64;
        for (int i = 0; i < runs; i++) {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            storage.put("bkt", "input/" + name, Files.writeString(home.resolve(name), name));
        }
        FunctionSpec fn = new FunctionSpec("f", "test/busybox", "sha256:feed", 128, 60, 0, null, Map.of(), null);
        Supervisor supervisor = new Supervisor(images, new ProotExecutor(), home.resolve("work"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<String>> verdicts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            String rid = "req-" + i;
            verdicts.add(pool.submit(() -> {
                StagedInvocation run = supervisor.invoke(fn, new InvocationRequest(rid, PICKY, List.of(), Map.of()), storage,
                        new StorageTrigger("bkt", "input/" + name), line -> { });
                String expected = name.startsWith("ok-") ? "exit 0" : "exit 4";
                String got = "exit " + run.result().exitCode();
                return got.equals(expected) && run.outputKeys().size() == 1 ? null
                        : name + ": " + got + ", outputs " + run.outputKeys() + ", output: " + run.result().output();
            }));
        }
        List<String> wrong = new ArrayList<>();
        for (Future<String> verdict : verdicts) {
            try {
                String v = verdict.get();
                if (v != null) {
                    wrong.add(v);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                wrong.add(String.valueOf(e.getCause()));
            }
        }
        pool.shutdown();

        assertThat(wrong).isEmpty();
        for (int i = 0; i < runs; i++) {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            Path out = home.resolve("buckets/bkt/output").resolve(name.startsWith("ok-") ? name : name + ".partial");
            assertThat(out).hasContent(name.startsWith("ok-") ? name : "partial");
        }
        try (var left = Files.list(home.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.startsWith(WorkDir.SPARE) || n.equals(WorkDir.RECYCLED));
        }
        try (var pooled = Files.list(home.resolve("work").resolve(WorkDir.RECYCLED))) {
            assertThat(pooled).allSatisfy(file -> assertThat(file).isEmptyFile());
        }
    }
}
