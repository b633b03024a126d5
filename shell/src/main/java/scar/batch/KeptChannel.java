package scar.batch;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A file kept open from one operation to the next (an open and a close for each record cost a
 * batch more than the record itself), whose descriptor is only ever closed under the file's
 * {@link InProcessFileLocks in-process lock}: closing any descriptor of a file drops every lock
 * this process holds on it, another ledger object's included.
 *
 * <p>Apart from its owner so that the owner, dropped without {@link #close()}, still has it closed
 * under that lock: otherwise the JDK's own cleaner would close the unreachable channel at any
 * moment, on a thread that takes no lock. The owner calls the methods other than close() under
 * its own lock; the cleaner calls close() only once the owner is unreachable, hence the volatiles.
 */
final class KeptChannel {
    /** One thread for the whole process, which only closes files of dropped ledgers. */
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "scar-ledger-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private final Path file;
    private volatile ReentrantLock lock;
    private volatile FileChannel channel;
    /** The identity of the file {@link #channel} was opened on: removed or replaced, it is opened again. */
    private volatile Object key;

    private KeptChannel(Path file) {
        this.file = file;
    }

    /** A kept channel of {@code file}, closed (under the lock) once {@code owner} is unreachable. */
    static KeptChannel of(Object owner, Path file) {
        KeptChannel kept = new KeptChannel(file);
        CLEANER.register(owner, kept::close);
        return kept;
    }

    /** The in-process lock of the file, to hold around the file lock. */
    ReentrantLock lock() throws IOException {
        if (lock == null) {
            lock = InProcessFileLocks.of(file);
        }
        return lock;
    }

    /** The file, open; opened again when it was replaced, removed or closed (an interrupt closes it). */
    FileChannel open() throws IOException {
        Object current = fileKey();
        FileChannel kept = channel;
        if (kept != null && kept.isOpen() && current != null && current.equals(key)) {
            return kept;
        }
        close();
        lock(); // before the file is open: close() needs it
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        key = fileKey();
        return channel;
    }

    private Object fileKey() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null; // not there (yet, or any more)
        }
    }

    /** Lets the file go, once no other ledger object of this process holds the file lock; open() opens it again. */
    void close() {
        FileChannel kept = channel;
        if (kept == null) {
            return;
        }
        lock.lock();
        try {
            kept.close();
        } catch (IOException e) {
            // nothing was pending on it: every record is written before its call returns
        } finally {
            lock.unlock();
        }
        channel = null;
    }
}
