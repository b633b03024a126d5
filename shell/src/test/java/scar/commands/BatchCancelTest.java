package scar.commands;

import org.junit.jupiter.api.Test;
import scar.batch.BatchPlan;
import scar.batch.BatchRunner;
import scar.batch.BatchSummary;
import scar.batch.Progress;
import scar.batch.Selection;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C during a batch: queuing stops, running containers are stopped, nothing is lost. */
class BatchCancelTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    @Test
    void interruptingABatchStopsItCleanlyAndTheNextRunFinishesTheRest() throws Exception {
        Path script = Files.writeString(home.resolve("slow.sh"),
                "sleep 1; cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/\"\n");
        assertThat(scar("init", "-n", "slow", "-s", script.toString(), "-es", "cancel-bkt", image).exitCode()).isZero();
        Path input = home.resolve("local/buckets/cancel-bkt/input");
        for (int i = 0; i < 12; i++) {
            Files.writeString(input.resolve("f" + i), "f" + i);
        }
        var console = new StandardConsole(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
        Session session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        var inputs = session.target().storage().list("cancel-bkt", "input/");
        BatchRunner runner = new BatchRunner(session.target(), finished -> { });
        CompletableFuture<Thread> batchThread = new CompletableFuture<>();
        CompletableFuture<BatchSummary> result = CompletableFuture.supplyAsync(() -> {
            batchThread.complete(Thread.currentThread());
            return runner.run(new BatchPlan("slow", "cancel-bkt", inputs, Selection.PENDING, 2, null, List.of(), Map.of()),
                    Progress.NONE);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(home.resolve("local/buckets/cancel-bkt/output/f2")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        batchThread.get().interrupt(); // what Ctrl-C does

        BatchSummary summary = result.get(60, TimeUnit.SECONDS);

        assertThat(summary.cancelled()).isTrue();
        assertThat(summary.succeeded()).isBetween(3, 11);
        assertThat(summary.notStarted()).isEqualTo(12 - summary.succeeded() - summary.failed().size());
        assertThat(summary.failed()).as("a stopped run is not a failure").isEmpty();
        try (var left = Files.list(home.resolve("local/work"))) {
            // emptied directories and files kept for reuse (".spare-*", ".recycled") are no run's
            assertThat(left.map(p -> p.getFileName().toString()))
                    .allMatch(name -> name.startsWith(".spare-") || name.equals(".recycled"));
        }
        Outcome rest = scar("run", "-es", "cancel-bkt");
        assertThat(rest.exitCode()).as(rest.err()).isZero();
        assertThat(rest.out()).contains((12 - summary.succeeded()) + " file(s), " + (12 - summary.succeeded()) + " succeeded");
        try (var outputs = Files.list(home.resolve("local/buckets/cancel-bkt/output"))) {
            assertThat(outputs.filter(Files::isRegularFile)).hasSize(12);
        }
    }
}
