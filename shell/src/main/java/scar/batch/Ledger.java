package scar.batch;

import scar.storage.ObjectInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A function's durable record of the inputs it has processed: an append-only file of JSON lines,
 * one per start and one per end of a run. Claims are made under a file lock, so two shells (or a
 * shell and a one-shot {@code run -es}) never run the same input twice. A run whose owner process
 * is gone (a killed shell) counts as never finished and is run again; a finished one is never run
 * again unless asked ({@code --retry-failed}). Ledger objects of one process on one file (sessions
 * of one scar process) wait for each other as processes do: see {@link InProcessFileLocks}.
 *
 * <p>Crash consistency: every record is in the file (the kernel's page cache) before the call that
 * makes it returns, so a killed scar loses nothing. Only end records are forced to disk, and not
 * by the thread that ran the input: a background sync forces all records written so far (group
 * commit: one fsync covers every end that arrived while the previous one ran), so a batch thread
 * goes on to its next input at once instead of waiting ~4 ms per file. {@link #sync()} waits
 * until every record written so far is on disk; a batch calls it before its summary. What an OS
 * crash or power loss can lose is therefore the end records of the last few milliseconds, never
 * one of a batch whose summary was shown: those inputs count as unfinished and run again (their
 * earlier outputs are kept; the new ones go aside under {@code output/<request-id>/}).
 */
public final class Ledger {
    /** This process, with its start time so that a reused pid is not taken for us. */
    static final String THIS_PROCESS = owner(ProcessHandle.current());

    /** This ledger object: another one in the same process (another session) has its own claims. */
    private final String self = THIS_PROCESS + "#" + java.util.UUID.randomUUID();
    private final Path file;
    private final Supplier<Long> clock;
    /** The file, open from one operation to the next; see {@link KeptChannel}. */
    private final KeptChannel kept;
    private final Map<String, LedgerEntry> latest = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private long position;
    /** End records appended by this object, and how many of them are known to be on disk. */
    private final AtomicLong ends = new AtomicLong();
    private final Object syncLock = new Object();
    private volatile long endsSynced;
    private final AtomicBoolean syncQueued = new AtomicBoolean();
    /**
     * One thread that forces the file to disk after ends, and that ends itself when idle. It is
     * never interrupted (the pool is never shut down), so its forces never close the channel.
     */
    private final ThreadPoolExecutor syncer = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "scar-ledger-sync");
                thread.setDaemon(true);
                return thread;
            });

    public Ledger(Path file) {
        this(file, System::currentTimeMillis);
    }

    Ledger(Path file, Supplier<Long> clock) {
        this.file = file;
        this.clock = clock;
        this.kept = KeptChannel.of(this, file);
    }

    /** The last thing that happened to the key, whatever its version. */
    public synchronized Optional<LedgerEntry> last(String key) {
        withLock(() -> null);
        return Optional.ofNullable(latest.get(key));
    }

    /** Whether the object would be run by a batch of this selection now (it may still be claimed elsewhere). */
    public synchronized boolean wants(ObjectInfo object, Selection selection) {
        withLock(() -> null);
        return wanted(object, selection);
    }

    /** The objects a batch of this selection would run now, in their order; one read of the file for all. */
    public synchronized List<ObjectInfo> wanted(List<ObjectInfo> objects, Selection selection) {
        withLock(() -> null);
        return objects.stream().filter(o -> wanted(o, selection)).toList();
    }

    /** Records the start of a run of {@code object}; false when it is not wanted or someone else runs it. */
    public synchronized boolean claim(ObjectInfo object, String requestId, Selection selection) {
        return withLock(() -> {
            if (!wanted(object, selection)) {
                return false;
            }
            append(new LedgerEntry(LedgerEntry.STARTED, object.key(), object.version(), requestId, self, null, clock.get()));
            inFlight.add(object.key());
            return true;
        });
    }

    /**
     * Records the end of a run this ledger claimed: in the file at once, on disk shortly after
     * (see the class comment; {@link #sync()} waits for it).
     */
    public void finish(ObjectInfo object, String requestId, String event, String error) {
        synchronized (this) {
            withLock(() -> {
                append(new LedgerEntry(event, object.key(), object.version(), requestId, self, error, clock.get()));
                inFlight.remove(object.key());
                return null;
            });
            ends.incrementAndGet();
        }
        if (syncQueued.compareAndSet(false, true)) {
            syncer.execute(() -> {
                syncQueued.set(false); // an end written from now on queues the next sync
                try {
                    force();
                } catch (UncheckedIOException e) {
                    // left unsynced: the batch's own sync() tries again and reports it
                }
            });
        }
    }

    /** Returns once every end record this ledger wrote so far is on disk. */
    public void sync() {
        if (endsSynced >= ends.get()) {
            return; // another sync covered these
        }
        // The force runs on the syncer: see force(). A Ctrl-C must not cost the record of a run,
        // so the wait goes on through interrupts, which are kept for the caller.
        Future<?> forced = syncer.submit(this::force);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    forced.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException failure) {
                        throw failure;
                    }
                    throw new IllegalStateException("cannot sync the ledger " + file + " to disk", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Forces every end record written so far to disk. Runs only on the syncer thread, which
     * nothing interrupts: an interrupt during a force closes the channel, and a close outside the
     * in-process lock (see {@link InProcessFileLocks}) could drop the file lock another ledger
     * object of this process holds. The force itself runs outside that lock and the object's, so
     * batch threads go on recording while the disk syncs.
     */
    private Void force() {
        synchronized (syncLock) {
            long target = ends.get();
            if (endsSynced >= target) {
                return null; // another sync covered these
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    FileChannel ch;
                    synchronized (this) {
                        ch = kept.open();
                    }
                    ch.force(false);
                    endsSynced = target;
                    return null;
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (attempt == 3) {
                        throw new UncheckedIOException("cannot sync the ledger " + file + " to disk: it was closed", e);
                    }
                    // replaced meanwhile (the file changed, or the session closed it): sync the new one
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot sync the ledger " + file + " to disk: " + e.getMessage(), e);
                }
            }
        }
    }

    private boolean wanted(ObjectInfo object, Selection selection) {
        LedgerEntry entry = latest.get(object.key());
        boolean sameVersion = entry != null && entry.version().equals(object.version());
        if (entry != null && entry.event().equals(LedgerEntry.STARTED) && running(entry)) {
            return false;
        }
        return switch (selection) {
            case PENDING -> !sameVersion || !entry.finished();
            case RETRY_FAILED -> sameVersion && entry.event().equals(LedgerEntry.FAILED);
        };
    }

    /** A started run is still going when this ledger runs it, or when another live process does. */
    private boolean running(LedgerEntry started) {
        if (started.owner().equals(self)) {
            return inFlight.contains(started.key());
        }
        int hash = started.owner().indexOf('#');
        String process = hash < 0 ? started.owner() : started.owner().substring(0, hash);
        if (process.equals(THIS_PROCESS)) {
            return true; // another session of this process runs it
        }
        int at = process.indexOf('@');
        try {
            long pid = Long.parseLong(process.substring(0, at));
            return ProcessHandle.of(pid).map(Ledger::owner).map(process::equals).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String owner(ProcessHandle process) {
        return process.pid() + "@" + process.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }

    private void append(LedgerEntry entry) throws IOException {
        // A killed process loses nothing written; only an OS crash loses unsynced lines. A lost
        // start only makes the input pending again, so only ends are synced, by sync().
        write(entry);
        latest.put(entry.key(), entry);
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /** The channel of the operation under way, for {@link #write}. */
    private FileChannel channel;

    /** Lets the file go (the session ends); a later call opens it again. */
    public synchronized void close() {
        kept.close();
    }

    /**
     * Reads what other processes appended, then runs {@code action}, all under the file lock, taken
     * under the in-process lock: ledger objects of this process wait for each other there.
     */
    private <T> T withLock(Locked<T> action) {
        // File channels close on interrupt: a Ctrl-C must not cost the record of a run.
        boolean interrupted = Thread.interrupted();
        ReentrantLock lock = null;
        try {
            lock = kept.lock();
            lock.lock();
            for (int attempt = 1; ; attempt++) {
                interrupted |= Thread.interrupted(); // one that came during the wait for the lock
                FileChannel ch = kept.open();
                try (FileLock ignored = ch.lock()) {
                    channel = ch;
                    catchUp(ch);
                    return action.run();
                } catch (java.nio.channels.ClosedByInterruptException
                         | java.nio.channels.FileLockInterruptionException e) {
                    // An interrupt that arrived during the lock or the write (a batch's shutdownNow):
                    // the record still matters, so write it again; a torn line is closed by the next
                    // append. The interrupt closed the channel, under the in-process lock.
                    interrupted |= Thread.interrupted();
                    if (attempt == 3) {
                        throw e;
                    }
                } finally {
                    channel = null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the ledger " + file + ": " + e.getMessage(), e);
        } finally {
            if (lock != null) {
                lock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void catchUp(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < position) {
            latest.clear(); // the file was replaced: read it again
            position = 0;
        }
        if (size == position) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) (size - position));
        ch.read(buffer, position);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return; // only a torn line so far, written by a process killed mid-write
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                LedgerEntry entry = LedgerLines.parse(line);
                latest.put(entry.key(), entry);
            } catch (IOException e) {
                // A torn line: its run never recorded an end, so it counts as unfinished.
            }
        }
        position += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Entries are appended under the lock; a process killed mid-write leaves at most one torn line, which is skipped. */
    private void write(LedgerEntry entry) throws IOException {
        byte[] line = (LedgerLines.format(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        long size = channel.size();
        ByteBuffer prefix = ByteBuffer.allocate(0);
        if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            if (last.get(0) != '\n') {
                prefix = ByteBuffer.wrap(new byte[]{'\n'}); // close a torn line first
            }
        }
        channel.position(size);
        ByteBuffer[] buffers = {prefix, ByteBuffer.wrap(line)};
        while (buffers[1].hasRemaining()) {
            channel.write(buffers);
        }
        position = channel.size();
    }

    /** Request ids of runs that started in a process that is gone and never recorded an end. */
    public synchronized List<String> abandonedRequestIds() {
        withLock(() -> null);
        return latest.values().stream()
                .filter(e -> e.event().equals(LedgerEntry.STARTED) && !running(e))
                .map(LedgerEntry::requestId).toList();
    }

    /** Every key's last entry, for reports and tests. */
    public synchronized List<LedgerEntry> entries() {
        withLock(() -> null);
        return List.copyOf(latest.values());
    }
}
