package scar.logs;

import scar.invoke.FunctionSpec;
import scar.invoke.InvocationLog;
import scar.target.TargetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.FileOutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local target's logs: {@code local/logs/FUNCTION/YYYY-MM-DD.log}, one stream per function
 * and UTC day, each line stamped to the millisecond (see {@link LogRecords}).
 *
 * <p>Many invocations, in this process or in other scar processes, may write one stream at the
 * same time. Each opens the file with O_APPEND and writes every record with a single write():
 * on a local Linux file system that write is atomic with respect to other appends (the kernel
 * holds the inode lock for it), so records never interleave or overwrite one another. Readers may
 * see a record half-written and therefore only take lines up to the last newline.
 */
public final class LocalLogStore implements InvocationLog {
    /** Lambda's rule for function names; checked again here because names become paths. */
    private static final Pattern FUNCTION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path root;
    private final Clock clock;
    private final int retentionDays;
    /** Not a function's folder: a function name cannot start with a dot. */
    private static final String PRUNED = ".pruned";

    /** @param retentionDays streams of days older than this are deleted by {@link #prune()} */
    public LocalLogStore(Path root, Clock clock, int retentionDays) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retention must be at least one day: " + retentionDays);
        }
        this.root = root;
        this.clock = clock;
        this.retentionDays = retentionDays;
    }

    @Override
    public RequestLog open(FunctionSpec function, String requestId) {
        if (!LogRecords.REQUEST_ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("invalid request id: " + requestId);
        }
        Path dir = directoryOf(function.name());
        Path file = dir.resolve(LocalStreams.fileName(today()));
        try {
            for (int attempt = 1; ; attempt++) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                }
                if (Files.isSymbolicLink(file)) {
                    throw new IOException("it is a symbolic link; scar writes only files of its own there");
                }
                try {
                    // A stream, not a FileChannel: a channel is closed by an interrupt (Ctrl-C), and the
                    // END and REPORT lines that follow the kill must still be written.
                    return new AppendingLog(new FileOutputStream(file.toFile(), true), requestId, clock);
                } catch (java.io.FileNotFoundException e) {
                    // Every session prunes when it starts, removing a function's log directory while
                    // it is empty: one starting (in this process or another) between the mkdir and
                    // this open took the directory of a first invocation away. Make it again.
                    if (attempt == 10 || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            // Opened before the run starts: the run does not start, and the user learns why and what to do.
            throw new TargetException("cannot write the log of function '" + function.name() + "' to " + file + " ("
                    + reason(e) + "), so it was not run; make " + dir + " a folder you can write to and run it again");
        }
    }

    /** Why a log could not be opened, in a few words (the path is said once, by the caller). */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "something that is not a folder is in the way";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        String message = String.valueOf(e.getMessage());
        // FileNotFoundException says "PATH (Reason)"
        int open = message.lastIndexOf(" (");
        return open >= 0 && message.endsWith(")") ? message.substring(open + 2, message.length() - 1) : message;
    }

    /** Deletes streams of days before the retention period, for every function. */
    public void prune() {
        LocalDate oldestKept = today().minusDays(retentionDays - 1L);
        for (String function : functions()) {
            for (Stream stream : streams(function)) {
                if (stream.day().isBefore(oldestKept)) {
                    deleteQuietly(stream.file());
                }
            }
            deleteQuietly(directoryOf(function)); // only succeeds when it is empty
        }
    }

    /**
     * {@link #prune()}, unless a session started today with the same retention already did: every
     * one-shot command opens a session, and a scan of every function's logs on each cost a
     * command milliseconds per function. The day of the last prune is kept in {@code .pruned}.
     */
    public void pruneOncePerDay() {
        Path marker = root.resolve(PRUNED);
        String stamp = today() + " " + retentionDays;
        try {
            if (Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) && Files.readString(marker).equals(stamp)) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: prune, and write it again
        }
        prune();
        try {
            Path temp = Files.createTempFile(root, PRUNED, ".tmp");
            Files.writeString(temp, stamp);
            Files.move(temp, marker, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // no logs folder yet, or not writable: the next session prunes again
        }
    }

    /** Deletes all logs of a function (rm). */
    public void delete(String function) {
        for (Stream stream : streams(function)) {
            deleteQuietly(stream.file());
        }
        try (var leftovers = Files.list(directoryOf(function))) {
            for (Path leftover : (Iterable<Path>) leftovers::iterator) {
                deleteQuietly(leftover);
            }
        } catch (IOException e) {
            // No directory: nothing was logged.
        }
        deleteQuietly(directoryOf(function));
    }

    /** Functions that have logs, by directory name. */
    List<String> functions() {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (FUNCTION.matcher(name).matches() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /** A function's streams, oldest first. */
    List<Stream> streams(String function) {
        Path dir = directoryOf(function);
        List<Stream> streams = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return streams;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LocalStreams.SUFFIX)) {
            for (Path file : files) {
                Optional<LocalDate> day = LocalStreams.dayOf(file.getFileName().toString());
                if (day.isPresent() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    streams.add(new Stream(function, LocalStreams.displayName(function, day.get()), day.get(), file));
                }
            }
        } catch (IOException e) {
            // Removed while we looked (rm): no streams.
            return List.of();
        }
        streams.sort((a, b) -> a.day().compareTo(b.day()));
        return streams;
    }

    Path root() {
        return root;
    }

    Path directoryOf(String function) {
        if (function == null || !FUNCTION.matcher(function).matches()) {
            throw new IllegalArgumentException("invalid function name for a log directory: " + function);
        }
        return root.resolve(function);
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A non-empty directory or a file another process holds: the next prune tries again.
        }
    }

    /** One stream file of one function. */
    record Stream(String function, String name, LocalDate day, Path file) {
    }

    /** Appends one invocation's lines to a stream; see the class comment for why this is safe. */
    private static final class AppendingLog implements RequestLog {
        private final FileOutputStream out;
        private final String requestId;
        private final Clock clock;
        private boolean broken;

        AppendingLog(FileOutputStream out, String requestId, Clock clock) {
            this.out = out;
            this.requestId = requestId;
            this.clock = clock;
        }

        @Override
        public synchronized void write(String line) {
            if (broken) {
                return;
            }
            try {
                // One write() per record (opened with O_APPEND): see the class comment.
                out.write(LogRecords.encode(clock.millis(), requestId, line));
            } catch (IOException e) {
                // A full disk must not fail the invocation: the container's output still reaches the caller.
                broken = true;
            }
        }

        @Override
        public synchronized void close() {
            try {
                out.close();
            } catch (IOException e) {
                // Nothing buffered: every record was written when it came.
            }
        }
    }
}
