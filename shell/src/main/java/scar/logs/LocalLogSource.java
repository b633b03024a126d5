package scar.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and follows the local log store. Following wakes up on file system events (inotify,
 * through a WatchService) the moment a stream is written, and in any case checks the size of
 * each stream file every {@value #POLL_MILLIS} ms: events are not delivered on every file system
 * (network mounts, some container overlays), and a stat is cheap. Either way a line's way from
 * the container to the screen stays well under the 300 ms a person notices.
 */
public final class LocalLogSource implements LogSource {
    static final int POLL_MILLIS = 20;
    /** New stream files (a new day, a function's first invocation) are looked for this often. */
    private static final int RESCAN_ROUNDS = 5;

    private final LocalLogStore store;
    private final boolean events;

    public LocalLogSource(LocalLogStore store) {
        this(store, true);
    }

    /** @param events false to rely on polling alone, as where the file system sends no events */
    LocalLogSource(LocalLogStore store, boolean events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public List<LogEvent> read(LogQuery query) {
        List<List<LogEvent>> perStream = new ArrayList<>();
        for (LocalLogStore.Stream stream : streams(query)) {
            if (query.since() != null && stream.day().isBefore(dayOf(query.since().toEpochMilli()).minusDays(1))) {
                continue; // a day's stream holds nothing older than its day (a day earlier for an invocation across midnight)
            }
            Tail tail = Tail.open(stream, 0);
            if (tail == null) {
                continue;
            }
            try (tail) {
                perStream.add(tail.readNew());
            }
        }
        List<LogEvent> events = Merge.byTime(perStream);
        events = RequestSlicer.sliceFor(query, events);
        return events.stream().filter(query::keeps).toList();
    }

    /** From the latest day's streams only: completion must answer at once, even with 30 days of logs. */
    @Override
    public List<String> recentRequestIds(String function, int limit) {
        List<LocalLogStore.Stream> streams = streams(LogQuery.all(function));
        LocalDate latest = streams.stream().map(LocalLogStore.Stream::day).max(LocalDate::compareTo).orElse(null);
        List<List<LogEvent>> perStream = new ArrayList<>();
        for (LocalLogStore.Stream stream : streams) {
            if (stream.day().equals(latest)) {
                Tail tail = Tail.open(stream, 0);
                if (tail != null) {
                    try (tail) {
                        perStream.add(tail.readNew().stream().filter(LogEvent::isStart).toList());
                    }
                }
            }
        }
        List<LogEvent> starts = new ArrayList<>(Merge.byTime(perStream));
        java.util.Collections.reverse(starts);
        return starts.stream().map(LogEvent::markedRequestId).distinct().limit(limit).toList();
    }

    @Override
    public void follow(LogQuery query, Listener listener) throws InterruptedException {
        // With a time or a request to look back for, history comes first; otherwise only new lines.
        boolean fromStart = query.since() != null || query.requestId() != null;
        Map<Path, Tail> tails = new HashMap<>();
        Wakeups wakeups = events ? Wakeups.open() : Wakeups.polling();
        try {
            boolean first = true;
            for (int round = 0; ; round++) {
                if (round % RESCAN_ROUNDS == 0) {
                    wakeups.watch(store.root());
                    for (String function : query.function() == null ? store.functions() : List.of(query.function())) {
                        wakeups.watch(store.directoryOf(function));
                    }
                    rescan(query, tails, first && !fromStart);
                    first = false;
                }
                List<List<LogEvent>> perStream = new ArrayList<>();
                for (Tail tail : tails.values()) {
                    List<LogEvent> fresh = tail.readNew();
                    if (!fresh.isEmpty()) {
                        perStream.add(fresh);
                    }
                }
                List<LogEvent> events = Merge.byTime(perStream).stream()
                        .filter(e -> query.requestId() == null || RequestSlicer.belongs(e, query.requestId()))
                        .filter(query::keeps)
                        .toList();
                if (!events.isEmpty() && !listener.onEvents(events)) {
                    return;
                }
                if (perStream.isEmpty()) {
                    wakeups.await(POLL_MILLIS);
                } else if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            tails.values().forEach(Tail::close);
            wakeups.close();
        }
    }

    /** Picks up new stream files and drops removed or replaced ones. */
    private void rescan(LogQuery query, Map<Path, Tail> tails, boolean skipExisting) {
        List<LocalLogStore.Stream> streams = streams(query);
        List<Path> present = new ArrayList<>();
        for (LocalLogStore.Stream stream : streams) {
            present.add(stream.file());
            Tail known = tails.get(stream.file());
            if (known != null && known.isStill(stream.file())) {
                continue;
            }
            if (known != null) {
                known.close(); // removed and created again (rm, then init and run): read the new file whole
                tails.remove(stream.file());
            }
            Tail tail = Tail.open(stream, skipExisting ? -1 : 0);
            if (tail != null) {
                tails.put(stream.file(), tail);
            }
        }
        tails.keySet().removeIf(file -> {
            if (!present.contains(file)) {
                tails.get(file).close();
                return true;
            }
            return false;
        });
    }

    private List<LocalLogStore.Stream> streams(LogQuery query) {
        if (query.function() == null) {
            List<LocalLogStore.Stream> all = new ArrayList<>();
            for (String function : store.functions()) {
                all.addAll(store.streams(function));
            }
            return all;
        }
        List<LocalLogStore.Stream> streams = store.streams(query.function());
        if (query.stream() == null) {
            return streams;
        }
        Optional<LocalDate> day = LocalStreams.parse(query.function(), query.stream());
        List<LocalLogStore.Stream> chosen = day.isEmpty() ? List.of()
                : streams.stream().filter(s -> s.day().equals(day.get())).toList();
        if (chosen.isEmpty()) {
            throw new LogNotFoundException("log stream '" + query.stream() + "' not found for function '" + query.function()
                    + "'" + (streams.isEmpty() ? "; it has no logs yet"
                    : "; its streams are " + String.join(", ", streams.stream().map(LocalLogStore.Stream::name).toList())));
        }
        return chosen;
    }

    private static LocalDate dayOf(long millis) {
        return LocalDate.ofInstant(java.time.Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    /** Reads a stream file from an offset on, complete lines only, remembering where it stopped. */
    private static final class Tail implements AutoCloseable {
        private final LocalLogStore.Stream stream;
        // Not a FileChannel: an interrupt (Ctrl-C) would close it under us mid-read.
        private final RandomAccessFile file;
        private final Object fileKey;
        private final byte[] buffer = new byte[256 * 1024];
        /** Bytes of a line whose newline has not been written yet. */
        private byte[] pending = new byte[0];
        private long offset;

        private Tail(LocalLogStore.Stream stream, RandomAccessFile file, Object fileKey, long offset) {
            this.stream = stream;
            this.file = file;
            this.fileKey = fileKey;
            this.offset = offset;
        }

        /** @param offset where to start; -1 for after the last complete line */
        static Tail open(LocalLogStore.Stream stream, long offset) {
            try {
                Object key = Files.readAttributes(stream.file(), java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).fileKey();
                if (Files.isSymbolicLink(stream.file())) {
                    return null;
                }
                Tail tail = new Tail(stream, new RandomAccessFile(stream.file().toFile(), "r"), key, 0);
                tail.offset = offset >= 0 ? offset : tail.endOfLastLine();
                return tail;
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read log stream " + stream.file() + ": " + e.getMessage(), e);
            }
        }

        boolean isStill(Path file) {
            try {
                return fileKey == null || fileKey.equals(Files.readAttributes(file,
                        java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
            } catch (IOException e) {
                return false;
            }
        }

        private long endOfLastLine() throws IOException {
            long position = file.length();
            byte[] chunk = new byte[4096];
            while (position > 0) {
                long from = Math.max(0, position - chunk.length);
                int length = (int) (position - from);
                file.seek(from);
                file.readFully(chunk, 0, length);
                for (int i = length - 1; i >= 0; i--) {
                    if (chunk[i] == '\n') {
                        return from + i + 1;
                    }
                }
                position = from;
            }
            return 0;
        }

        /** Complete lines written since the last call. */
        List<LogEvent> readNew() {
            List<LogEvent> events = new ArrayList<>();
            try {
                while (true) {
                    file.seek(offset + pending.length);
                    int n = file.read(buffer);
                    if (n <= 0) {
                        return events;
                    }
                    byte[] bytes = new byte[pending.length + n];
                    System.arraycopy(pending, 0, bytes, 0, pending.length);
                    System.arraycopy(buffer, 0, bytes, pending.length, n);
                    int start = 0;
                    for (int i = 0; i < bytes.length; i++) {
                        if (bytes[i] == '\n') {
                            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                            LogEvent event = LogRecords.decode(stream.function(), stream.name(), offset + start, line);
                            if (event != null) {
                                events.add(event);
                            }
                            start = i + 1;
                        }
                    }
                    offset += start;
                    pending = start == bytes.length ? new byte[0] : java.util.Arrays.copyOfRange(bytes, start, bytes.length);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read log stream " + stream.file() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                file.close();
            } catch (IOException e) {
                // Read-only: nothing to lose.
            }
        }
    }
}
