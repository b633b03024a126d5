package scar.completion;

import scar.invoke.FunctionSpec;
import scar.session.TargetKey;
import scar.target.FunctionNames;
import scar.target.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Function names and image references of one target, for TAB. A TAB never waits on the target
 * for long: it gets the cached names and, when they are older than the TTL, a refresh starts
 * behind it. Commands that create or remove functions update the cache at once.
 * <p>
 * The names are also written to {@code completion/functions.KEY.txt} under the config folder,
 * one per line, for the bash/zsh scripts, which read them without starting a JVM.
 */
public final class CompletionCache {
    /** The longest a TAB waits when nothing at all is cached yet. */
    static final long FIRST_LOAD_WAIT_MILLIS = 100;

    private final Path folder;
    private final TargetKey key;
    private final Supplier<Target> target;
    private final Supplier<Executor> background;
    private final long ttlNanos;
    private final boolean defaultTarget;
    private TreeSet<String> functions;
    private TreeSet<String> images;
    private long refreshedAt;
    private boolean fetched;
    private CompletableFuture<Void> refreshing;

    public CompletionCache(Path folder, TargetKey key, Supplier<Target> target, Supplier<Executor> background,
                           Duration ttl, boolean defaultTarget) {
        this.folder = folder;
        this.key = key;
        this.target = target;
        this.background = background;
        this.ttlNanos = ttl.toNanos();
        this.defaultTarget = defaultTarget;
    }

    /** Function names for TAB, sorted; starts a background refresh when they are stale. */
    public List<String> functionNames() {
        CompletableFuture<Void> pending = refreshIfStale();
        if (pending != null && !hasAnything()) {
            try {
                pending.get(FIRST_LOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // keep what we have; the refresh goes on (or failed and will be retried on the next TAB)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            return List.copyOf(functions);
        }
    }

    /**
     * Request ids of the latest invocations, newest first, for {@code log -ri}. Read from the
     * target's logs at each TAB (not cached: a run a moment ago must be there).
     */
    public List<String> requestIds() {
        try {
            return target.get().logs().recentRequestIds(null, 20);
        } catch (RuntimeException e) {
            return List.of(); // a target without logs, or logs unreadable: nothing to offer
        }
    }

    /** Image references of the functions of this target, for {@code init}'s IMAGE. */
    public synchronized List<String> images() {
        loadFiles();
        return List.copyOf(images);
    }

    public synchronized void added(FunctionSpec function) {
        loadFiles();
        if (FunctionNames.isValid(function.name())) {
            functions.add(function.name());
        }
        addImage(function);
        write();
    }

    public synchronized void removed(String name) {
        loadFiles();
        functions.remove(name);
        write();
    }

    public synchronized void replaceAll(Collection<FunctionSpec> all) {
        functions = new TreeSet<>();
        images = new TreeSet<>();
        for (FunctionSpec function : all) {
            if (FunctionNames.isValid(function.name())) {
                functions.add(function.name());
            }
            addImage(function);
        }
        fetched = true;
        refreshedAt = System.nanoTime();
        write();
    }

    private void addImage(FunctionSpec function) {
        String image = function.image();
        // archives are shown by path elsewhere; only registry references are worth completing
        if (image != null && !image.startsWith("/") && image.matches("[A-Za-z0-9._/:@-]{1,255}")) {
            images.add(image);
        }
    }

    private synchronized boolean hasAnything() {
        return fetched || !functions.isEmpty();
    }

    private synchronized CompletableFuture<Void> refreshIfStale() {
        loadFiles();
        if (refreshing != null && !refreshing.isDone()) {
            return refreshing;
        }
        if (fetched && System.nanoTime() - refreshedAt < ttlNanos) {
            return null;
        }
        refreshing = CompletableFuture.runAsync(() -> replaceAll(target.get().list()), background.get());
        return refreshing;
    }

    /** The names a previous scar wrote, so a new shell completes at once, before any listing. */
    private void loadFiles() {
        if (functions != null) {
            return;
        }
        functions = new TreeSet<>(readNames(functionsFile()));
        images = new TreeSet<>(readNames(imagesFile()));
    }

    private List<String> readNames(Path file) {
        if (file == null) {
            return List.of();
        }
        try {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            return names;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of(); // a cache: unreadable means empty, never an error for the user
        }
    }

    private void write() {
        if (folder == null) {
            return;
        }
        try {
            Files.createDirectories(folder);
            writeAtomically(functionsFile(), String.join("\n", functions) + (functions.isEmpty() ? "" : "\n"));
            writeAtomically(imagesFile(), String.join("\n", images) + (images.isEmpty() ? "" : "\n"));
            if (defaultTarget) {
                writeAtomically(folder.resolve("default"), key.fileKey() + "\n");
            }
        } catch (IOException e) {
            // a cache that cannot be written costs bash completion, not the command
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".names-", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The file the bash/zsh completion reads for this target. */
    public Path functionsFile() {
        return folder == null ? null : folder.resolve("functions." + key.fileKey() + ".txt");
    }

    private Path imagesFile() {
        return folder == null ? null : folder.resolve("images." + key.fileKey() + ".txt");
    }
}
