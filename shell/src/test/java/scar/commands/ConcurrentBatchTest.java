package scar.commands;

import org.junit.jupiter.api.Test;
import scar.testing.Scripts;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch with far more runs at once than cores, as {@code batch_concurrency} allows: every input
 * gets exactly its own verdict, however the runs interleave.
 */
class ConcurrentBatchTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    @Test
    void aHighlyConcurrentBatchGivesEachInputItsOwnVerdict() throws Exception {
        Path script = Files.writeString(home.resolve("p.sh"), Scripts.PICKY);
        assertThat(scar("init", "-n", "picky", "-s", script.toString(), "-es", "picky", image).exitCode()).isZero();
        Path cfg = home.resolve("scar.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("batch_concurrency = 0", "batch_concurrency = 16"));
        Path input = home.resolve("local/buckets/picky/input");
        for (int i = 0; i < 32; i++) {
            String name = (i % 2 == 0 ? "ok-" : "bad-") + i;
            Files.writeString(input.resolve(name), name);
        }

        Outcome run = scar("run", "-es", "picky", "picky");

        assertThat(run.out()).as(run.err()).contains("32 file(s), 16 succeeded, 16 failed, 32 output(s)");
        for (int i = 0; i < 32; i += 2) {
            assertThat(home.resolve("local/buckets/picky/output/ok-" + i)).hasContent("ok-" + i);
        }
    }
}
