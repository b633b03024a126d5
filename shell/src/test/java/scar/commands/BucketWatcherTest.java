package scar.commands;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scar.batch.BucketWatcher;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The shell's watcher: files dropped into a bound bucket's input/ by any program run once each. */
class BucketWatcherTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    final List<String> reports = new CopyOnWriteArrayList<>();
    BucketWatcher watcher;

    @AfterEach
    void stopWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    Path input() {
        return home.resolve("local/buckets/watched/input");
    }

    Path output() {
        return home.resolve("local/buckets/watched/output");
    }

    void startWatcher() {
        var console = new StandardConsole(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
        Session session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        watcher = new BucketWatcher(session.target(), 2, Duration.ofMillis(200), Duration.ofMillis(800), reports::add).start();
    }

    void bindCopyFunction() throws Exception {
        Path script = Files.writeString(home.resolve("copy.sh"),
                "cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).copy\"\n");
        Outcome init = scar("init", "-n", "copier", "-s", script.toString(), "-es", "watched", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    long startsOf(String key) throws Exception {
        return Files.readAllLines(home.resolve("local/ledgers/copier.jsonl")).stream()
                .filter(l -> l.contains("\"started\"") && l.contains("\"key\":\"" + key + "\"")).count();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aFileCopiedInByAnotherProgramRunsExactlyOnce() throws Exception {
        bindCopyFunction();
        startWatcher();

        Files.writeString(input().resolve("dropped.txt"), "dropped by cp");

        await("the output", () -> Files.exists(output().resolve("dropped.txt.copy")));
        assertThat(output().resolve("dropped.txt.copy")).hasContent("dropped by cp");
        Thread.sleep(1500); // several more polls
        assertThat(startsOf("input/dropped.txt")).isEqualTo(1);
        assertThat(reports).anyMatch(r -> r.startsWith("[input/dropped.txt] done (request "));
        assertThat(Files.list(output())).hasSize(1);
    }

    @Test
    void filesThatArrivedWhileNoShellRanArePickedUpAtStart() throws Exception {
        bindCopyFunction();
        Files.writeString(input().resolve("early-1"), "one");
        Files.createDirectories(input().resolve("deep"));
        Files.writeString(input().resolve("deep/early-2"), "two");

        startWatcher();

        await("both outputs", () -> Files.exists(output().resolve("early-1.copy")) && Files.exists(output().resolve("early-2.copy")));
        watcher.close();
        // The next shell finds them in the ledger: nothing runs twice.
        startWatcher();
        Thread.sleep(1500);
        assertThat(startsOf("input/early-1")).isEqualTo(1);
        assertThat(startsOf("input/deep/early-2")).isEqualTo(1);
    }

    @Test
    void aFileStillBeingWrittenRunsOnceWhenComplete() throws Exception {
        bindCopyFunction();
        startWatcher();
        StringBuilder expected = new StringBuilder();

        try (OutputStream out = Files.newOutputStream(input().resolve("growing.log"))) {
            for (int i = 0; i < 12; i++) {
                String line = "chunk " + i + "\n";
                out.write(line.getBytes());
                out.flush();
                expected.append(line);
                Thread.sleep(250); // the watcher polls several times while the file grows
            }
        }

        await("the output", () -> Files.exists(output().resolve("growing.log.copy")));
        assertThat(output().resolve("growing.log.copy")).hasContent(expected.toString());
        Thread.sleep(1500);
        assertThat(startsOf("input/growing.log")).isEqualTo(1);
    }

    @Test
    void dotFilesAreLeftAloneUntilRenamedIntoPlace() throws Exception {
        bindCopyFunction();
        startWatcher();

        Path temp = Files.writeString(input().resolve(".partial.tmp"), "complete content");
        Thread.sleep(1500);
        assertThat(output()).isEmptyDirectory();
        Files.move(temp, input().resolve("final.txt"));

        await("the output", () -> Files.exists(output().resolve("final.txt.copy")));
        assertThat(output().resolve("final.txt.copy")).hasContent("complete content");
    }

    @Test
    void aMissingBucketIsReportedOnceAndTheWatcherGoesOn() throws Exception {
        bindCopyFunction();
        Files.walk(home.resolve("local/buckets/watched")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        startWatcher();
        Thread.sleep(1000);
        assertThat(reports).filteredOn(r -> r.contains("bucket watched not found")).hasSize(1);

        Files.createDirectories(input());
        Files.createDirectories(output());
        Files.writeString(input().resolve("back.txt"), "back");
        await("the output", () -> Files.exists(output().resolve("back.txt.copy")));
    }
}
