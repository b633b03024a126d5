package scar.invoke;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import scar.storage.SoleFile;
import scar.storage.Uninterrupted;

/**
 * The host directory of one invocation, {@code workRoot/<requestId>}, seen in the container as
 * {@code /tmp/<requestId>}. Removed entirely afterwards: Lambda reuses /tmp between invocations.
 */
final class WorkDir implements AutoCloseable {
    /** Not a valid request id (those are letters, digits and '-'), so never a run's directory. */
    static final String SPARE = ".spare-";
    /** Enough for a batch's concurrent runs on a laptop; more are deleted. */
    private static final int MAX_SPARES = 16;
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> SPARE_MODE =
            java.util.Set.copyOf(PosixFilePermissions.fromString("rwxr-xr-x"));
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_RWX =
            java.util.Set.copyOf(PosixFilePermissions.fromString("rwx------"));
    private static final String INPUT = "input";
    /**
     * Regular files runs left (their script, their staged input), in a pool beside the spares,
     * never bound into a container: the next run renames one to its script or input and writes
     * over it. On ext4 without a journal, allocating an inode after many deletions scans the
     * recently deleted ones (about 1 ms per file in a batch here); rewriting an inode costs a block.
     * The name is not a request id, so never a run's directory.
     */
    static final String RECYCLED = ".recycled";
    /** About two per concurrent run of a batch. */
    private static final int MAX_RECYCLED = 32;
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
            java.util.Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));
    private final Path dir;
    private final Path pool;

    private WorkDir(Path dir) {
        this.dir = dir;
        this.pool = dir.resolveSibling(RECYCLED);
    }

    static WorkDir create(Path workRoot, String requestId) {
        return create(workRoot, requestId, false);
    }

    /** @param input whether the run gets an {@code input/} folder (a staged input file) */
    static WorkDir create(Path workRoot, String requestId, boolean input) {
        try {
            if (!Files.isDirectory(workRoot)) {
                Files.createDirectories(workRoot);
            }
            Path dir = workRoot.resolve(requestId);
            // File.exists: Files.exists throws and catches inside for a missing path, the usual case.
            // A dangling link there is no directory a spare can be renamed onto: createDirectory then fails.
            if (dir.toFile().exists()) {
                throw new FileAlreadyExistsException(dir.toString());
            }
            if (takeSpare(workRoot, dir)) {
                // a spare may keep an empty input/ from a staged run (see keepAsSpare)
                Path inputDir = dir.resolve(INPUT);
                if (input) {
                    if (!Files.isDirectory(inputDir, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(inputDir);
                    }
                } else {
                    Files.deleteIfExists(inputDir);
                }
                return new WorkDir(dir);
            }
            // createDirectory, not createDirectories: a second run with the same id must not share it.
            Files.createDirectory(dir);
            Files.createDirectory(dir.resolve("output"));
            if (input) {
                Files.createDirectory(dir.resolve(INPUT));
            }
            return new WorkDir(dir);
        } catch (FileAlreadyExistsException e) {
            throw new InvocationException("request id " + requestId + " is already running: use a new id");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory under " + workRoot + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames an empty work directory an earlier run left as a spare to {@code dir}: on ext4
     * mounted with discard, mkdir + rmdir of the directory and its output/ cost ~4.5 ms per run
     * (median; p90 11 ms), a rename ~0.03 ms. A rename onto a non-empty directory fails, and
     * a spare always holds output/, so a run never takes over another's directory.
     */
    private static boolean takeSpare(Path workRoot, Path dir) {
        try (var spares = Files.newDirectoryStream(workRoot, named(SPARE))) {
            for (Path spare : spares) {
                try {
                    Files.move(spare, dir, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                } catch (IOException e) {
                    // another run took it
                }
            }
        } catch (IOException e) {
            // unreadable: make a new one
        }
        return false;
    }

    Path path() {
        return dir;
    }

    Path write(String name, String content) {
        try (OutputStream out = newFile(name)) {
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return dir.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new file at {@code relative} (e.g. {@code input/photo.jpg}), open for writing: an emptied
     * file from the pool renamed there when there is one, else a new file.
     */
    OutputStream newFile(String relative) throws IOException {
        Path target = dir.resolve(relative);
        try (var emptied = Files.newDirectoryStream(pool)) {
            for (Path file : emptied) {
                try {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    continue; // another run took it
                }
                return overwriting(java.nio.channels.FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no pool yet
        }
        return Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /**
     * A stream that writes a pooled file from its start and, at close, cuts off what is left of
     * the earlier run's bytes: for small files the block stays allocated, where emptying the
     * file when it was pooled freed it (with {@code discard}, 0.5 ms per file here) only for the
     * next writer to allocate one again.
     */
    private static OutputStream overwriting(java.nio.channels.FileChannel channel) {
        return new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
            }

            @Override
            public void close() throws IOException {
                try (channel) {
                    if (channel.size() > written) {
                        channel.truncate(written);
                    }
                }
            }
        };
    }

    /**
     * Puts a file the run left into the pool (while it has room), its bytes still in it: the
     * pool is never bound into a container, and the next writer overwrites them. Else deletes it.
     */
    private void recycleOrDelete(Path file, int[] room) throws IOException {
        if (room[0] > 0 && SoleFile.permissions(file).isPresent()) {
            setMode(file, FILE_MODE);
            if (!Files.isDirectory(pool, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(pool);
            }
            Files.move(file, pool.resolve(Long.toHexString(System.nanoTime()) + "-" + Thread.currentThread().getId()),
                    StandardCopyOption.ATOMIC_MOVE);
            room[0]--;
        } else {
            delete(file);
        }
    }

    Path mkdir(String subdir) {
        Path path = dir.resolve(subdir);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return path; // the common case, without the exception createDirectories makes of it
        }
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + subdir + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    Path copyIn(Path file, String subdir) {
        try {
            Path target = mkdir(subdir).resolve(file.getFileName().toString());
            try (OutputStream out = newFile(dir.relativize(target).toString())) {
                Files.copy(file, out);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes {@code /tmp/<requestId>}: its content is deleted (never following symlinks the
     * container may have planted), and the emptied directory with an empty output/ is kept
     * under a hidden spare name for the next run, or deleted when there are enough spares.
     */
    @Override
    public void close() {
        // File channels close themselves on an interrupt (Ctrl-C stopping a batch): the clean-up
        // of a stopped run must still finish.
        Uninterrupted.call(() -> {
            try {
                if (!keepAsSpare()) {
                    delete(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the work directory " + dir + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    private boolean keepAsSpare() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!mode.containsAll(OWNER_RWX)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        boolean outputKept = false;
        int[] room = {Math.min(2, MAX_RECYCLED - count(pool, ""))};
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                // input/ is kept too, emptied: a batch stages every run's input there, and an
                // mkdir + rmdir costs milliseconds on ext4 with discard
                if ((name.equals("output") || name.equals(INPUT)) && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    setMode(child, SPARE_MODE);
                    try (Stream<Path> inside = Files.list(child)) {
                        for (Path p : (Iterable<Path>) inside::iterator) {
                            if (name.equals(INPUT)) {
                                recycleOrDelete(p, room);
                            } else {
                                delete(p);
                            }
                        }
                    }
                    outputKept |= name.equals("output");
                } else {
                    recycleOrDelete(child, room);
                }
            }
        }
        if (!outputKept || spares(dir.getParent()) >= MAX_SPARES) {
            return false;
        }
        setMode(dir, SPARE_MODE);
        Path spare = dir.resolveSibling(SPARE + Long.toHexString(System.nanoTime()) + "-" + Thread.currentThread().getId());
        try {
            Files.move(dir, spare, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A chmod dirties the inode (a journal write on ext4): only when the mode differs. */
    private static void setMode(Path p, java.util.Set<java.nio.file.attribute.PosixFilePermission> mode) throws IOException {
        if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            Files.setPosixFilePermissions(p, mode);
        }
    }

    private static int spares(Path workRoot) {
        return count(workRoot, SPARE);
    }

    /** Entries whose names start with {@code prefix}; an unreadable folder counts as full. */
    private static int count(Path folder, String prefix) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int n = 0;
        try (var entries = Files.newDirectoryStream(folder, named(prefix))) {
            for (Path ignored : entries) {
                n++;
            }
        } catch (IOException e) {
            return Integer.MAX_VALUE / 2;
        }
        return n;
    }

    /** A prefix test, not a glob: the JDK compiles a glob into a regex on every listing, several per run. */
    private static java.nio.file.DirectoryStream.Filter<Path> named(String prefix) {
        return p -> p.getFileName().toString().startsWith(prefix);
    }

    /** Removes a work directory an invocation left behind (its process was killed); true if one was there. */
    static boolean removeLeftover(Path workRoot, String requestId) {
        Path dir = workRoot.resolve(requestId);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            delete(dir);
            return true;
        } catch (IOException e) {
            return false; // still in use or not ours to remove: left for a later try
        }
    }

    private static void delete(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            // The container may have made a directory unreadable; we own it, so undo that first.
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> children = Files.list(p)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    delete(child);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
