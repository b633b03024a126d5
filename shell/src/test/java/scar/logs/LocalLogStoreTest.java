package scar.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationLog;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The local store under concurrent writers and a live follower. */
class LocalLogStoreTest {
    @TempDir
    Path root;

    private static final FunctionSpec FN = new FunctionSpec("fn", "img", "sha256:x", 128, 60, 10, null, Map.of(), null);

    @Test
    void concurrentInvocationsWritingOneStreamNeverMixTheirLines() throws Exception {
        LocalLogStore store = new LocalLogStore(root, Clock.systemUTC(), 30);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String rid = "rid-" + w;
            writers.add(CompletableFuture.runAsync(() -> {
                try (InvocationLog.RequestLog log = store.open(FN, rid)) {
                    for (int i = 0; i < 5000; i++) {
                        log.write(rid + " line " + i + " " + "x".repeat(i % 300));
                    }
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

        List<LogEvent> events = new LocalLogSource(store).read(LogQuery.all("fn"));

        assertThat(events).hasSize(4 * 5000);
        for (int w = 0; w < 4; w++) {
            String rid = "rid-" + w;
            List<String> mine = events.stream().filter(e -> e.requestId().equals(rid)).map(LogEvent::message).toList();
            assertThat(mine).isEqualTo(IntStream.range(0, 5000).mapToObj(i -> rid + " line " + i + " " + "x".repeat(i % 300)).toList());
        }
    }

    @Test
    void aFirstInvocationIsLoggedWhileAnotherSessionStartsAndPrunesEmptyDirectories() throws Exception {
        // Every session prunes at its start and removes a function's log directory when it is
        // empty; a first invocation of a function creates that directory and then its stream in
        // it. A session starting in between (a 'log' in another terminal) must not make the
        // invocation fail: in LogCommandTest its START..REPORT then never came.
        LocalLogStore store = new LocalLogStore(root, Clock.systemUTC(), 30);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Void> pruner = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                new LocalLogStore(root, Clock.systemUTC(), 30).prune();
            }
        });
        try {
            for (int i = 0; i < 200; i++) {
                FunctionSpec fn = new FunctionSpec("fn" + i, "img", "sha256:x", 128, 60, 10, null, Map.of(), null);
                try (InvocationLog.RequestLog log = store.open(fn, "rid-" + i)) {
                    log.write("START RequestId: rid-" + i);
                }
            }
        } finally {
            done.set(true);
            pruner.get();
        }
        assertThat(new LocalLogSource(store).read(LogQuery.all("fn199"))).hasSize(1);
    }

    @Test
    void sessionsPruneOldStreamsOncePerDayOrWhenTheRetentionChanges() throws Exception {
        java.time.Instant day = java.time.Instant.parse("2026-11-20T10:00:00Z");
        Clock today = Clock.fixed(day, java.time.ZoneOffset.UTC);
        writeStream(day.minus(java.time.Duration.ofDays(10)), "rid-old");

        new LocalLogStore(root, today, 7).pruneOncePerDay();
        assertThat(streamFiles()).isEmpty();

        // a stream older than the retention appearing later that day (copied in) waits for the next day
        writeStream(day.minus(java.time.Duration.ofDays(9)), "rid-copied");
        new LocalLogStore(root, today, 7).pruneOncePerDay();
        assertThat(streamFiles()).hasSize(1);

        new LocalLogStore(root, today, 5).pruneOncePerDay(); // a shorter retention applies at once
        assertThat(streamFiles()).isEmpty();

        writeStream(day.minus(java.time.Duration.ofDays(9)), "rid-copied-again");
        new LocalLogStore(root, Clock.offset(today, java.time.Duration.ofDays(1)), 5).pruneOncePerDay();
        assertThat(streamFiles()).isEmpty();
    }

    private void writeStream(java.time.Instant when, String rid) {
        try (InvocationLog.RequestLog log = new LocalLogStore(root, Clock.fixed(when, java.time.ZoneOffset.UTC), 30).open(FN, rid)) {
            log.write("START RequestId: " + rid);
        }
    }

    private List<Path> streamFiles() throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(root.resolve("fn"))) {
            return List.of();
        }
        try (var files = java.nio.file.Files.list(root.resolve("fn"))) {
            return files.toList();
        }
    }

    @Test
    void recentRequestIdsForCompletionComeNewestFirst() {
        LocalLogStore store = new LocalLogStore(root, Clock.systemUTC(), 30);
        for (String rid : List.of("rid-1", "rid-2", "rid-3")) {
            try (InvocationLog.RequestLog log = store.open(FN, rid)) {
                log.write("START RequestId: " + rid + " Version: $LATEST");
                log.write("REPORT RequestId: " + rid + "\tDuration: 1.00 ms");
            }
        }

        assertThat(new LocalLogSource(store).recentRequestIds("fn", 2)).containsExactly("rid-3", "rid-2");
        assertThat(new LocalLogSource(store).recentRequestIds(null, 10)).containsExactly("rid-3", "rid-2", "rid-1");
    }

    @Test
    void aFollowerSeesEveryLineOnceInOrderWhileItIsWritten() throws Exception {
        followWhileWriting(true);
    }

    @Test
    void aFollowerWithoutFileSystemEventsStillSeesEveryLineOnceInOrder() throws Exception {
        followWhileWriting(false);
    }

    private void followWhileWriting(boolean events) throws Exception {
        LocalLogStore store = new LocalLogStore(root, Clock.systemUTC(), 30);
        try (InvocationLog.RequestLog first = store.open(FN, "rid-0")) {
            first.write("before");
        }
        List<String> seen = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread follower = new Thread(() -> {
            try {
                new LocalLogSource(store, events).follow(LogQuery.all("fn"), batch -> {
                    batch.forEach(e -> seen.add(e.message()));
                    return !seen.contains("last");
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        follower.start();
        Thread.sleep(200);
        try (InvocationLog.RequestLog log = store.open(FN, "rid-1")) {
            for (int i = 0; i < 50_000; i++) {
                log.write("line " + i + " " + "y".repeat(i % 100));
            }
            log.write("last");
        }
        follower.join(30_000);

        assertThat(failure.get()).isNull();
        List<String> expected = new ArrayList<>(IntStream.range(0, 50_000).mapToObj(i -> "line " + i + " " + "y".repeat(i % 100)).toList());
        expected.add("last");
        assertThat(seen).isEqualTo(expected);
    }
}
