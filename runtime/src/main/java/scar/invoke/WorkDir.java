package scar.invoke;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The host directory of one invocation, {@code workRoot/<requestId>}, seen in the container as
 * {@code /tmp/<requestId>}. Removed entirely afterwards: Lambda reuses /tmp between invocations.
 */
final class WorkDir implements AutoCloseable {
    private final Path dir;

    private WorkDir(Path dir) {
        this.dir = dir;
    }

    static WorkDir create(Path workRoot, String requestId) {
        try {
            Files.createDirectories(workRoot);
            // createDirectory, not createDirectories: a second run with the same id must not share it.
            Path dir = Files.createDirectory(workRoot.resolve(requestId));
            Files.createDirectory(dir.resolve("output"));
            return new WorkDir(dir);
        } catch (FileAlreadyExistsException e) {
            throw new InvocationException("request id " + requestId + " is already running: use a new id");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory under " + workRoot + ": " + e.getMessage(), e);
        }
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

    /** Deletes the tree without following symlinks the container may have planted. */
    @Override
    public void close() {
        try {
            delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work directory " + dir + ": " + e.getMessage(), e);
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
