package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import scar.storage.LocalObjectStorage;
import scar.testing.ConcurrentRuns;
import scar.testing.Scripts;

/**
 * Many staged runs of one function at once in one process, as a batch with high concurrency
 * makes them: the reused work directories and root filesystem trees must never be handed to two
 * runs, so every run sees exactly its own input and writes exactly its own output.
 */
class ConcurrentStagedRunsTest extends StagedRunsTestBase {

    @Test
    void manyConcurrentRunsEachSeeOnlyTheirOwnInputAndOutput() throws Exception {
        LocalObjectStorage storage = bucket();
        int runs = 64;
        for (int i = 0; i < runs; i++) {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            storage.put("bkt", "input/" + name, Files.writeString(home.resolve(name), name));
        }
        FunctionSpec fn = function(60);
        Supervisor supervisor = supervisor();

        List<String> wrong = ConcurrentRuns.problems(12, runs, (i, found) -> {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            StagedInvocation run = supervisor.invoke(fn, new InvocationRequest("req-" + i, Scripts.PICKY, List.of(), Map.of()),
                    storage, new StorageTrigger("bkt", "input/" + name), line -> { });
            String expected = name.startsWith("ok-") ? "exit 0" : "exit 4";
            String got = "exit " + run.result().exitCode();
            if (!got.equals(expected) || run.outputKeys().size() != 1) {
                found.add(name + ": " + got + ", outputs " + run.outputKeys() + ", output: " + run.result().output());
            }
        });

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
        // the pool keeps files for the next runs to write over: plain files, linked nowhere else
        try (var pooled = Files.list(home.resolve("work").resolve(WorkDir.RECYCLED))) {
            assertThat(pooled).allSatisfy(file -> {
                assertThat(file).isRegularFile();
                assertThat(Files.getAttribute(file, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS)).isEqualTo(1);
            });
        }
    }
}
