package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.ConcurrentRuns;

/** Run trees reused as spares by many runs of one image at once: each run always has a tree of its own. */
class RunRootfsSparesTest {
    @TempDir
    Path dir;

    @Test
    void concurrentRunsNeverShareATreeAndEachSeesTheImage() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("bin"));
        Files.createDirectories(image.resolve("tmp"));
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("bin/sh"), "shell");
        Files.writeString(image.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Path scratch = dir.resolve("runs");

        List<String> problems = ConcurrentRuns.problems(8, 800, (i, found) -> {
            String rid = "r-" + i;
            try (RunRootfs run = RunRootfs.acquire(image, scratch, rid)) {
                run.addMountPoints(List.of("/dev", "/proc"), List.of("/etc/hosts"));
                run.addRunMountPoint("/tmp/" + rid);
                run.seal();
                Thread.yield();
                Set<String> tmp;
                try (var names = Files.list(run.path().resolve("tmp"))) {
                    tmp = names.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
                }
                if (!tmp.equals(Set.of(rid))) {
                    found.add(rid + " sees /tmp " + tmp);
                }
                if (!Files.readString(run.path().resolve("bin/sh")).equals("shell")) {
                    found.add(rid + " sees a changed /bin/sh");
                }
                if (i % 7 == 0) {
                    // a run that changes its tree: that tree must not be reused
                    Files.writeString(run.path().resolve("etc/changed-by-" + rid), rid);
                }
                try (var names = Files.list(run.path().resolve("etc"))) {
                    List<String> etc = names.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("changed-by-") && !n.equals("changed-by-" + rid)).toList();
                    if (!etc.isEmpty()) {
                        found.add(rid + " sees another run's change " + etc);
                    }
                }
            }
        });

        assertThat(problems).isEmpty();
    }
}
