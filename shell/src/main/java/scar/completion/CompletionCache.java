package scar.completion;

import scar.invoke.FunctionSpec;
import scar.session.TargetKey;
import scar.storage.BucketNames;
import scar.storage.ObjectKeys;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Function names, image references and bucket names of one target, for TAB. A TAB never waits on the target
 * for long: it gets the cached names and, when they are older than the TTL, a refresh starts
 * behind it. Commands that create or remove functions update the cache at once.
 * <p>
 * The names are also written to {@code completion/functions.KEY.txt} (and {@code images.KEY.txt},
 * {@code buckets.KEY.txt}) under the config folder, one per line, for the bash/zsh scripts, which
 * read them without starting a JVM. Keys inside a bucket are listed one level at a time when a
 * TAB asks, and kept for a few seconds; they are not written to files.
 */
public final class CompletionCache {
    /** The longest a TAB waits when nothing at all is cached yet. */
    static final long FIRST_LOAD_WAIT_MILLIS = 100;
    /** A bucket's folder listing is trusted this long: objects come and go faster than functions. */
    static final Duration LISTING_TTL = Duration.ofSeconds(5);
    /** At most this many keys and folders of one folder are offered (one S3 page). */
    static final int MAX_CHILDREN = 1000;

    /** Marks a function's request ids among the listings, apart from bucket paths (which never start with it). */
    private static final String REQUEST_IDS = "\0request-ids:";

    /** Prefix listings kept at most (each up to MAX_CHILDREN names). */
    static final int MAX_LISTINGS = 64;

    /** One prefix's listing, or the listing under way. */
    private record Listing(List<String> children, long listedAt, CompletableFuture<List<String>> pending) {
    }

    private final Path folder;
    private final TargetKey key;
    private final Supplier<Target> target;
    private final Supplier<Executor> background;
    private final long ttlNanos;
    private final boolean defaultTarget;
    private TreeSet<String> functions;
    private TreeSet<String> images;
    private TreeSet<String> buckets;
    /**
     * A prefix inside a bucket ("BUCKET/FOLDER/NAME") to what one level below it held when last
     * listed; and a function (REQUEST_IDS + NAME) to the request ids of its latest runs.
     */
    private final Map<String, Listing> listings = new HashMap<>();
    private long refreshedAt;
    private boolean fetched;
    /** True once this cache has written its files (so an unchanged listing need not write them again). */
    private boolean written;
    /** What the last {@link #replaceAll} was given; null after any other change to the names. */
    private List<FunctionSpec> lastListed;
    /** Counts the changes commands made, so a listing that raced with one is not applied. */
    private long changes;
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
        awaitFirstLoad();
        synchronized (this) {
            return List.copyOf(functions);
        }
    }

    /** Starts a refresh when the names are stale; waits for it only briefly, and only when nothing is known. */
    private void awaitFirstLoad() {
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
    }

    /**
     * Request ids of the latest invocations, newest first, for {@code log -ri}: of {@code function}
     * (the one named on the line), or of every function when null. Read from the local logs at
     * each TAB (a run a moment ago must be there); elsewhere they are one function's log group,
     * read in the background like a bucket's keys (a TAB waits ~100 ms at most, and they are kept
     * a few seconds), so without a function there is nothing to offer.
     */
    public List<String> requestIds(String function) {
        if (key.isLocal()) {
            try {
                return readRequestIds(function);
            } catch (RuntimeException e) {
                return List.of(); // a target without logs, or logs unreadable: nothing to offer
            }
        }
        if (function == null || !FunctionNames.isValid(function)) {
            return List.of();
        }
        return listedInBackground(REQUEST_IDS + function, () -> readRequestIds(function));
    }

    private List<String> readRequestIds(String function) {
        return target.get().logs().recentRequestIds(function, 20);
    }

    /** Bucket names for TAB ({@code -es}, {@code -b}), sorted; refreshed with the function names. */
    public List<String> bucketNames() {
        awaitFirstLoad();
        synchronized (this) {
            return List.copyOf(buckets);
        }
    }

    /**
     * Keys and folders (ending in '/') of {@code bucket} that start with {@code prefix}, one level
     * deep, as keys. On the local target the folder is read at once; elsewhere it is listed in the
     * background: a TAB waits at most ~100 ms for the listing, and otherwise offers what the folder
     * held the last time (nothing the first time).
     */
    public List<String> objects(String bucket, String prefix) {
        if (!BucketNames.isValid(bucket) || prefix.contains("\\")) {
            return List.of();
        }
        String parent = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        if (!parent.isEmpty() && ObjectKeys.problem(parent.substring(0, parent.length() - 1), true) != null) {
            return List.of(); // '..', '//' and friends name nothing inside a bucket
        }
        if (key.isLocal()) {
            // one directory read on this machine: fresher than any cache, and well under the budget
            try {
                return listChildren(bucket, prefix);
            } catch (RuntimeException e) {
                return List.of(); // no such bucket, or unreadable: nothing to offer
            }
        }
        // keyed by the whole prefix: a folder may hold more than one page, so S3 filters, not this
        return matchingKeys(listedInBackground(bucket + "/" + prefix, () -> listChildren(bucket, prefix)), prefix);
    }

    /**
     * What {@code list} answers for {@code where}, from a remote target: kept {@link #LISTING_TTL};
     * when older, listed again in the background, waiting ~100 ms for it, and otherwise the last
     * answer (nothing the first time).
     */
    private List<String> listedInBackground(String where, Supplier<List<String>> list) {
        CompletableFuture<List<String>> pending;
        List<String> known;
        synchronized (this) {
            Listing listing = listings.get(where);
            boolean fresh = listing != null && listing.pending() == null
                    && System.nanoTime() - listing.listedAt() < LISTING_TTL.toNanos();
            known = listing == null ? List.of() : listing.children();
            if (fresh) {
                return known;
            }
            if (listing != null && listing.pending() != null) {
                pending = listing.pending();
            } else {
                if (listings.size() >= MAX_LISTINGS) {
                    listings.values().removeIf(old -> old.pending() == null); // a long session types many prefixes
                }
                pending = CompletableFuture.supplyAsync(list, background.get());
                CompletableFuture<List<String>> started = pending;
                listings.put(where, new Listing(known, listing == null ? 0 : listing.listedAt(), started));
                started.whenComplete((children, failure) -> listed(where, started, children));
            }
        }
        try {
            return pending.get(FIRST_LOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return known;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return known;
        }
    }

    private List<String> listChildren(String bucket, String prefix) {
        return target.get().storage().children(bucket, prefix, MAX_CHILDREN);
    }

    private synchronized void listed(String where, CompletableFuture<List<String>> which, List<String> children) {
        Listing current = listings.get(where);
        if (current == null || current.pending() != which) {
            return; // dropped meanwhile (a put into the bucket): a newer listing will come
        }
        listings.put(where, children == null
                ? new Listing(current.children(), current.listedAt(), null) // failed: keep the old, retry next TAB
                : new Listing(List.copyOf(children), System.nanoTime(), null));
    }

    private static List<String> matchingKeys(List<String> children, String prefix) {
        List<String> result = new ArrayList<>();
        for (String child : children) {
            if (child.startsWith(prefix)) {
                result.add(child);
            }
        }
        return result;
    }

    /** A bucket was created or written to: TAB offers it at once, and its folders are listed anew. */
    public synchronized void bucketChanged(String bucket) {
        changes++;
        loadFiles();
        if (BucketNames.isValid(bucket)) {
            buckets.add(bucket);
        }
        listings.keySet().removeIf(where -> where.startsWith(bucket + "/"));
        write();
    }

    private synchronized void replaceBuckets(List<String> all) {
        if (all == null) {
            return;
        }
        TreeSet<String> listed = new TreeSet<>();
        for (String bucket : all) {
            if (BucketNames.isValid(bucket)) {
                listed.add(bucket);
            }
        }
        if (!listed.equals(buckets)) {
            buckets = listed;
            write();
        }
    }

    /** The target's buckets, or null when it has none or they cannot be listed now (the old names stay). */
    private List<String> listBuckets() {
        try {
            return target.get().storage().buckets();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Image references of the functions of this target, for {@code init}'s IMAGE. */
    public synchronized List<String> images() {
        loadFiles();
        return List.copyOf(images);
    }

    public synchronized void added(FunctionSpec function) {
        changes++;
        lastListed = null;
        loadFiles();
        if (FunctionNames.isValid(function.name())) {
            functions.add(function.name());
        }
        addImage(function);
        write();
    }

    public synchronized void removed(String name) {
        changes++;
        lastListed = null;
        loadFiles();
        functions.remove(name);
        write();
    }

    public synchronized void replaceAll(Collection<FunctionSpec> all) {
        loadFiles(); // the buckets a previous scar wrote stay until they are listed
        if (written && sameAsLastListed(all)) {
            // the repository hands out the objects it parsed, so the same ones mean nothing changed:
            // rebuilding the sets was a quarter of an ls of 2000 functions
            fetched = true;
            refreshedAt = System.nanoTime();
            return;
        }
        lastListed = List.copyOf(all);
        TreeSet<String> oldFunctions = functions;
        TreeSet<String> oldImages = images;
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
        // every ls lands here: rewriting unchanged files would cost it more than the listing of a few functions
        if (!written || !functions.equals(oldFunctions) || !images.equals(oldImages)) {
            write();
        }
    }

    /** Compiled once: String.matches compiled it again for every function of every ls (a third of an ls of 2000). */
    private static final java.util.regex.Pattern IMAGE_REFERENCE = java.util.regex.Pattern.compile("[A-Za-z0-9._/:@-]{1,255}");

    /** Whether these are the very objects (not just equal ones) the last listing gave, in order. */
    private boolean sameAsLastListed(Collection<FunctionSpec> all) {
        if (lastListed == null || lastListed.size() != all.size()) {
            return false;
        }
        java.util.Iterator<FunctionSpec> last = lastListed.iterator();
        for (FunctionSpec function : all) {
            if (function != last.next()) {
                return false;
            }
        }
        return true;
    }

    private void addImage(FunctionSpec function) {
        String image = function.image();
        // archives are shown by path elsewhere; only registry references are worth completing
        if (image != null && !images.contains(image) && !image.startsWith("/") && IMAGE_REFERENCE.matcher(image).matches()) {
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
        long seen = changes;
        refreshing = CompletableFuture.runAsync(() -> {
            List<FunctionSpec> listed = target.get().list();
            List<String> bucketList = listBuckets();
            refreshed(seen, listed, bucketList);
        }, background.get());
        return refreshing;
    }

    /**
     * A background listing is applied only when no command changed the names while it ran: a
     * listing taken before a {@code put} must not drop the bucket the put just made. When one did,
     * the next TAB lists again.
     */
    private synchronized void refreshed(long seen, List<FunctionSpec> listed, List<String> bucketList) {
        if (changes != seen) {
            return;
        }
        replaceAll(listed);
        replaceBuckets(bucketList);
    }

    /** The names a previous scar wrote, so a new shell completes at once, before any listing. */
    private void loadFiles() {
        if (functions != null) {
            return;
        }
        functions = new TreeSet<>(readNames(functionsFile()));
        images = new TreeSet<>(readNames(imagesFile()));
        buckets = new TreeSet<>(readNames(bucketsFile()));
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
        written = true;
        try {
            Files.createDirectories(folder);
            writeAtomically(functionsFile(), String.join("\n", functions) + (functions.isEmpty() ? "" : "\n"));
            writeAtomically(imagesFile(), String.join("\n", images) + (images.isEmpty() ? "" : "\n"));
            writeAtomically(bucketsFile(), String.join("\n", buckets) + (buckets.isEmpty() ? "" : "\n"));
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

    private Path bucketsFile() {
        return folder == null ? null : folder.resolve("buckets." + key.fileKey() + ".txt");
    }
}
