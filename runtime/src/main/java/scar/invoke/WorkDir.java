package scar.invoke;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

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
    private final Path dir;

    private WorkDir(Path dir) {
        this.dir = dir;
    }

    static WorkDir create(Path workRoot, String requestId) {
        return create(workRoot, requestId, false);
    }

    /** @param input whether the run gets an {@code input/} folder (a staged input file) */
    static WorkDir create(Path workRoot, String requestId, boolean input) {
        try {
            Files.createDirectories(workRoot);
            Path dir = workRoot.resolve(requestId);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(dir.toString());
            }
            if (takeSpare(workRoot, dir)) {
                // a spare may keep an empty input/ from a staged run (see keepAsSpare)
                Path inputDir = dir.resolve(INPUT);
                if (input) {
                    Files.createDirectories(inputDir);
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
        try (var spares = Files.newDirectoryStream(workRoot, SPARE + "*")) {
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
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    Path mkdir(String subdir) {
        try {
            return Files.createDirectories(dir.resolve(subdir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + subdir + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    Path copyIn(Path file, String subdir) {
        try {
            Path target = Files.createDirectories(dir.resolve(subdir)).resolve(file.getFileName().toString());
            return Files.copy(file, target);
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
        try {
            if (!keepAsSpare()) {
                delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work directory " + dir + ": " + e.getMessage(), e);
        }
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
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                // input/ is kept too, emptied: a batch stages every run's input there, and an
                // mkdir + rmdir costs milliseconds on ext4 with discard
                if ((name.equals("output") || name.equals(INPUT)) && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    setMode(child, SPARE_MODE);
                    try (Stream<Path> inside = Files.list(child)) {
                        for (Path p : (Iterable<Path>) inside::iterator) {
                            delete(p);
                        }
                    }
                    outputKept |= name.equals("output");
                } else {
                    delete(child);
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
        int n = 0;
        try (var spares = Files.newDirectoryStream(workRoot, SPARE + "*")) {
            for (Path ignored : spares) {
                n++;
            }
        } catch (IOException e) {
            return MAX_SPARES;
        }
        return n;
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
