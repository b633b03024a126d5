package scar.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per file for this whole process, for the objects of this process that take file locks
 * on the same file: each is to hold it around its file lock and around every close of one of its
 * descriptors of the file. The state is static on purpose: file (fcntl) locks belong to the
 * process, not to a channel, so two objects of one JVM do not exclude each other through them (the
 * JDK throws OverlappingFileLockException instead of waiting), and closing any descriptor of the
 * file drops every lock the process holds on it, another object's included.
 */
final class InProcessFileLocks {
    /** One entry per file ever locked (a function's ledger): few, so never removed. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private InProcessFileLocks() {
    }

    /**
     * The lock of {@code file}, whose directory is created if missing: the key is the directory's
     * real path, so that two spellings of one file (a symbolic link in the path) share a lock.
     */
    static ReentrantLock of(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Path directory = Files.createDirectories(absolute.getParent()).toRealPath();
        return LOCKS.computeIfAbsent(directory.resolve(absolute.getFileName()), key -> new ReentrantLock());
    }
}
