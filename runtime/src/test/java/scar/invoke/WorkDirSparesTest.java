package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.ConcurrentRuns;

/** Work directories reused as spares by many runs at once: each run always has a directory of its own. */
class WorkDirSparesTest {
    @TempDir
    Path root;

    @Test
    void concurrentRunsNeverShareAWorkDirectory() throws Exception {
        List<String> problems = ConcurrentRuns.problems(8, 800, (i, found) -> {
            String rid = "r-" + i;
            try (WorkDir work = WorkDir.create(root, rid)) {
                work.write("mine", rid);
                Path input = work.mkdir("input");
                Files.writeString(input.resolve("in"), rid);
                Files.writeString(work.path().resolve("output").resolve(rid), rid);
                Thread.yield();
                try (var left = Files.list(work.path().resolve("output"))) {
                    List<String> names = left.map(p -> p.getFileName().toString()).toList();
                    if (!names.equals(List.of(rid))) {
                        found.add(rid + " sees output " + names);
                    }
                }
                if (!Files.readString(work.path().resolve("mine")).equals(rid)
                        || !Files.readString(input.resolve("in")).equals(rid)) {
                    found.add(rid + " sees another run's files");
                }
            }
        });

        assertThat(problems).isEmpty();
    }

    @Test
    void aReusedDirectoryHasAnEmptyInputFolderOnlyForARunWithAnInput() throws Exception {
        try (WorkDir staged = WorkDir.create(root, "staged", true)) {
            Files.writeString(staged.path().resolve("input/data.txt"), "x");
            Files.writeString(staged.path().resolve("output/result"), "y");
        }
        try (WorkDir plain = WorkDir.create(root, "plain", false)) {
            try (var names = Files.list(plain.path())) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactly("output");
            }
            assertThat(plain.path().resolve("output")).isEmptyDirectory();
        }
        try (WorkDir again = WorkDir.create(root, "again", true)) {
            assertThat(again.path().resolve("input")).isEmptyDirectory();
            assertThat(again.path().resolve("output")).isEmptyDirectory();
        }
    }
}
