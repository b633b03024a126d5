package scar.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.storage.ObjectInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTest {
    @TempDir
    Path dir;

    final ObjectInfo a = new ObjectInfo("input/a", 3, Instant.ofEpochMilli(1000));

    Path file() {
        return dir.resolve("fn.jsonl");
    }

    @Test
    void aFinishedInputIsNotWantedAgainButANewUploadOfItIs() {
        Ledger ledger = new Ledger(file());
        assertThat(ledger.claim(a, "r1", Selection.PENDING)).isTrue();
        ledger.finish(a, "r1", LedgerEntry.SUCCEEDED, null);

        assertThat(ledger.wants(a, Selection.PENDING)).isFalse();
        assertThat(new Ledger(file()).wants(a, Selection.PENDING)).as("after a restart").isFalse();
        ObjectInfo replaced = new ObjectInfo("input/a", 5, Instant.ofEpochMilli(2000));
        assertThat(ledger.wants(replaced, Selection.PENDING)).isTrue();
    }

    @Test
    void retryFailedSelectsOnlyInputsWhoseLastRunFailed() {
        Ledger ledger = new Ledger(file());
        ObjectInfo b = new ObjectInfo("input/b", 1, Instant.ofEpochMilli(1000));
        ledger.claim(a, "r1", Selection.PENDING);
        ledger.finish(a, "r1", LedgerEntry.FAILED, "exit code 1");
        ledger.claim(b, "r2", Selection.PENDING);
        ledger.finish(b, "r2", LedgerEntry.SUCCEEDED, null);

        assertThat(ledger.wanted(List.of(a, b), Selection.RETRY_FAILED)).containsExactly(a);
        assertThat(ledger.wanted(List.of(a, b), Selection.PENDING)).isEmpty();
        assertThat(ledger.last("input/a").orElseThrow().error()).isEqualTo("exit code 1");
    }

    @Test
    void twoSessionsNeverClaimTheSameInput() {
        Ledger one = new Ledger(file());
        Ledger two = new Ledger(file());

        assertThat(one.claim(a, "r1", Selection.PENDING)).isTrue();
        assertThat(two.claim(a, "r2", Selection.PENDING)).isFalse();
        one.finish(a, "r1", LedgerEntry.INTERRUPTED, null);
        assertThat(two.claim(a, "r3", Selection.PENDING)).as("an interrupted run is pending again").isTrue();
    }

    @Test
    void aRunStartedByAProcessThatDiedIsPendingAgain() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String owner = gone.pid() + "@" + gone.info().startInstant().map(Instant::toEpochMilli).orElse(1L) + "#x";
        Files.writeString(file(), "{\"event\":\"started\",\"key\":\"input/a\",\"version\":\"" + a.version()
                + "\",\"requestId\":\"r0\",\"owner\":\"" + owner + "\",\"error\":null,\"time\":1}\n");

        assertThat(new Ledger(file()).claim(a, "r1", Selection.PENDING)).isTrue();
    }

    @Test
    void aTornLastLineFromAKilledWriterIsIgnoredAndClosed() throws Exception {
        Ledger ledger = new Ledger(file());
        ledger.claim(a, "r1", Selection.PENDING);
        ledger.finish(a, "r1", LedgerEntry.SUCCEEDED, null);
        Files.writeString(file(), "{\"event\":\"succ", StandardOpenOption.APPEND);
        ObjectInfo b = new ObjectInfo("input/b", 1, Instant.ofEpochMilli(1000));

        Ledger restarted = new Ledger(file());
        assertThat(restarted.claim(b, "r2", Selection.PENDING)).isTrue();
        restarted.finish(b, "r2", LedgerEntry.SUCCEEDED, null);

        Ledger again = new Ledger(file());
        assertThat(again.wanted(List.of(a, b), Selection.PENDING)).isEmpty();
        assertThat(Files.readAllLines(file())).hasSize(5);
    }

    @Test
    void endsFromManyThreadsAreEachRecordedOnceAndSeenByAnotherProcessBeforeTheyAreSynced() throws Exception {
        Ledger ledger = new Ledger(file());
        List<ObjectInfo> inputs = java.util.stream.IntStream.range(0, 400)
                .mapToObj(i -> new ObjectInfo("input/f" + i, i, Instant.ofEpochMilli(1000))).toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        for (ObjectInfo input : inputs) {
            pool.execute(() -> {
                if (ledger.claim(input, "r-" + input.size(), Selection.PENDING)) {
                    ledger.finish(input, "r-" + input.size(), LedgerEntry.SUCCEEDED, null);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        // in the file at once (a killed scar loses nothing), whether or not a sync has run yet
        assertThat(new Ledger(file()).wanted(inputs, Selection.PENDING)).isEmpty();
        ledger.sync();
        ledger.sync(); // nothing new: returns at once
        assertThat(Files.readAllLines(file())).hasSize(800).allMatch(line -> line.startsWith("{") && line.endsWith("}"));
    }

    @Test
    void syncKeepsTheCallersInterruptAndStillSyncs() {
        Ledger ledger = new Ledger(file());
        ledger.claim(a, "r1", Selection.PENDING);
        ledger.finish(a, "r1", LedgerEntry.FAILED, "exit code 1");
        Thread.currentThread().interrupt();
        try {
            ledger.sync();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(new Ledger(file()).last("input/a")).get().extracting(LedgerEntry::event).isEqualTo(LedgerEntry.FAILED);
    }

    @Test
    void aLedgerFileRemovedOrReplacedWhileTheSessionKeepsItOpenStillGetsEveryLaterRecord() throws Exception {
        // the session keeps the file open between records: a removed or replaced file must not
        // swallow what is recorded after it (it would then run again after a restart)
        Ledger ledger = new Ledger(file());
        ledger.claim(a, "r1", Selection.PENDING);
        ledger.finish(a, "r1", LedgerEntry.SUCCEEDED, null);

        Files.delete(file());
        ObjectInfo b = new ObjectInfo("input/b", 1, Instant.ofEpochMilli(1000));
        ledger.claim(b, "r2", Selection.PENDING);
        ledger.finish(b, "r2", LedgerEntry.SUCCEEDED, null);
        assertThat(new Ledger(file()).last("input/b")).as("after removal").get()
                .extracting(LedgerEntry::event).isEqualTo(LedgerEntry.SUCCEEDED);

        Path other = dir.resolve("other.jsonl");
        Files.writeString(other, "");
        Files.move(other, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectInfo c = new ObjectInfo("input/c", 1, Instant.ofEpochMilli(1000));
        ledger.claim(c, "r3", Selection.PENDING);
        ledger.finish(c, "r3", LedgerEntry.FAILED, "exit code 1");
        ledger.sync();
        assertThat(new Ledger(file()).last("input/c")).as("after replacement").get()
                .extracting(LedgerEntry::event).isEqualTo(LedgerEntry.FAILED);
        ledger.close();
    }
}
