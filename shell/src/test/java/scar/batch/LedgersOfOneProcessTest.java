package scar.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.storage.ObjectInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several Ledger objects of one process on one file: what a scar daemon does when it runs many
 * sessions (each with its own target and ledgers) at once, next to shells of other processes.
 */
class LedgersOfOneProcessTest {
    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("fn.jsonl");
    }

    @Test
    void sessionsOfOneProcessClaimingTheSameInputsAtOnceEachInputRunsExactlyOnce() throws Exception {
        List<Ledger> sessions = List.of(new Ledger(file()), new Ledger(file()), new Ledger(file()));
        List<ObjectInfo> inputs = IntStream.range(0, 150)
                .mapToObj(i -> new ObjectInfo("input/f" + i, i, Instant.ofEpochMilli(1000))).toList();
        Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < 9; t++) {
            Ledger ledger = sessions.get(t % sessions.size());
            int thread = t;
            threads.add(pool.submit(() -> {
                for (ObjectInfo input : inputs) {
                    String requestId = "r-" + thread + "-" + input.size();
                    if (ledger.claim(input, requestId, Selection.PENDING)) {
                        claims.computeIfAbsent(input.key(), k -> new AtomicInteger()).incrementAndGet();
                        ledger.finish(input, requestId, LedgerEntry.SUCCEEDED, null);
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        for (Future<?> thread : threads) {
            thread.get(); // rethrows what a claim threw (an OverlappingFileLockException, say)
        }

        assertThat(claims).hasSize(inputs.size());
        assertThat(claims.values()).allMatch(count -> count.get() == 1);
        assertThat(new Ledger(file()).wanted(inputs, Selection.PENDING)).isEmpty();
        assertThat(Files.readAllLines(file())).hasSize(2 * inputs.size());
        sessions.forEach(Ledger::close);
    }

    @Test
    void anotherSessionEndingWhileAClaimIsUnderWayKeepsOtherProcessesOutOfTheLedger() throws Exception {
        CountDownLatch insideClaim = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Ledger holder = heldInsideItsClaims(insideClaim, letGo);
        Ledger ending = new Ledger(file());
        ending.entries(); // its session has the file open, as any session that used the ledger
        ObjectInfo a = new ObjectInfo("input/a", 3, Instant.ofEpochMilli(1000));

        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<Boolean> claim = pool.submit(() -> holder.claim(a, "r1", Selection.PENDING));
            assertThat(insideClaim.await(60, TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(ending::close, "closer");
            closer.start();
            // closed, or waiting for the claim to finish first
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TERMINATED
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            assertThat(anotherProcessCanLock(file())).as("another process could lock the ledger mid-claim").isFalse();

            letGo.countDown();
            assertThat(claim.get(60, TimeUnit.SECONDS)).isTrue();
            closer.join(60_000);
            assertThat(closer.isAlive()).isFalse();
        } finally {
            letGo.countDown();
            pool.shutdownNow();
        }
        assertThat(new Ledger(file()).last("input/a")).get().extracting(LedgerEntry::event).isEqualTo(LedgerEntry.STARTED);
    }

    @Test
    void aSessionsLedgerDroppedWithoutCloseKeepsOtherProcessesOutOfTheLedgerWhileAClaimIsUnderWay() throws Exception {
        CountDownLatch insideClaim = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Ledger holder = heldInsideItsClaims(insideClaim, letGo);
        java.lang.ref.WeakReference<Ledger> dropped = openedAndDropped();
        ObjectInfo a = new ObjectInfo("input/a", 3, Instant.ofEpochMilli(1000));

        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<Boolean> claim = pool.submit(() -> holder.claim(a, "r1", Selection.PENDING));
            assertThat(insideClaim.await(60, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (dropped.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(dropped.get()).as("collected").isNull();
            // The JDK closes an unreachable channel's descriptor on its cleaner thread within moments.
            Thread.sleep(500);

            assertThat(anotherProcessCanLock(file())).as("another process could lock the ledger mid-claim").isFalse();

            letGo.countDown();
            assertThat(claim.get(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            letGo.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void anEndRecordedByAThreadInterruptedWhileAnotherSessionClaimsIsStillRecordedAndTheInterruptKept() throws Exception {
        CountDownLatch insideClaim = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Ledger holder = heldInsideItsClaims(insideClaim, letGo);
        Ledger batch = new Ledger(file());
        ObjectInfo a = new ObjectInfo("input/a", 3, Instant.ofEpochMilli(1000));
        ObjectInfo b = new ObjectInfo("input/b", 3, Instant.ofEpochMilli(1000));
        assertThat(batch.claim(b, "r2", Selection.PENDING)).isTrue();

        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<Boolean> claim = pool.submit(() -> holder.claim(a, "r1", Selection.PENDING));
            assertThat(insideClaim.await(60, TimeUnit.SECONDS)).isTrue();
            boolean[] interruptKept = new boolean[1];
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread finisher = new Thread(() -> {
                try {
                    batch.finish(b, "r2", LedgerEntry.INTERRUPTED, null);
                    interruptKept[0] = Thread.currentThread().isInterrupted();
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            });
            finisher.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (finisher.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            finisher.interrupt(); // Ctrl-C while it waits for the other session
            letGo.countDown();
            finisher.join(60_000);

            assertThat(claim.get(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failure.get()).isNull();
            assertThat(interruptKept[0]).as("the interrupt is kept for the batch to see").isTrue();
        } finally {
            letGo.countDown();
            pool.shutdownNow();
        }
        assertThat(new Ledger(file()).last("input/b")).get().extracting(LedgerEntry::event).isEqualTo(LedgerEntry.INTERRUPTED);
    }

    /** A session's ledger that used the file, then was dropped without close(). */
    private java.lang.ref.WeakReference<Ledger> openedAndDropped() {
        Ledger ledger = new Ledger(file());
        ledger.entries();
        return new java.lang.ref.WeakReference<>(ledger);
    }

    /** Probes from a child process with fcntl, the kind of lock Java's FileChannel.lock takes on Linux. */
    private static boolean anotherProcessCanLock(Path file) throws Exception {
        String probe = """
                import fcntl, os, sys
                fd = os.open(sys.argv[1], os.O_RDWR)
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    sys.exit(3)
                print("locked it")
                """;
        Process process = new ProcessBuilder("python3", "-c", probe, file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isIn(0, 3);
        return process.exitValue() == 0;
    }

    /**
     * A ledger whose claims stop while they hold the file lock (its clock is read there) until
     * {@code letGo}; {@code insideClaim} opens when one is in.
     */
    private Ledger heldInsideItsClaims(CountDownLatch insideClaim, CountDownLatch letGo) {
        return new Ledger(file(), () -> {
            insideClaim.countDown();
            try {
                letGo.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1L;
        });
    }
}
