package scar.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The disk budget of the image cache ({@code cache_max_mb}): what images and run trees take, which
 * images are in use, and least-recently-used eviction.
 *
 * <pre>
 * CACHE/images/&lt;hex&gt;/size       bytes of the unpacked image (written at build, or on first need)
 * CACHE/images/&lt;hex&gt;/last-used  touched on every run: its mtime orders eviction
 * CACHE/locks/&lt;hex&gt;.use         held shared by every process running the image; eviction needs it exclusive
 * </pre>
 * Run trees ({@code runs/}) are hardlinks of the image, so only their files that are not shared
 * with an image (link count 1: what runs wrote, or spares of an image already evicted) count.
 *
 * <p>Images pulled from a registry are made of layers in {@code layers/} (see {@link LayerStore}):
 * a file's bytes count once, in its layer ({@code layers/<hex>/size}); such an image's own
 * {@code size} is 0 and its {@code layers} file lists the layers it uses. A layer goes when no
 * image left uses it and no build holds it ({@code locks/layer-<hex>.use}).
 */
final class CacheSpace {
    private final Path cacheDir;
    private final long maxBytes;
    /** In-JVM use counts: a JVM cannot take two overlapping file locks, so one shared lock per image is held here. */
    private final Map<String, Held> held = new HashMap<>();

    private record Held(FileChannel channel, FileLock lock, int count) {
    }

    CacheSpace(Path cacheDir, long maxBytes) {
        this.cacheDir = cacheDir;
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    boolean capped() {
        return maxBytes < Long.MAX_VALUE;
    }

    // ---- use

    /** Marks the image as in use until the returned handle is closed, and as used now for eviction. */
    ImageStore.InUse use(String hex) {
        hold(hex);
        touch(hex); // after the mark: touching an image being evicted would recreate nothing anyway
        return () -> release(hex);
    }

    /**
     * Takes (or counts once more) the shared lock of {@code locks/KEY.use}, which an eviction must
     * take exclusively. Without it another process might evict what we use: an image's run still
     * completes (its own tree holds hardlinks), a layer's build fails cleanly.
     */
    private void hold(String key) {
        synchronized (held) {
            Held h = held.get(key);
            if (h != null) {
                held.put(key, new Held(h.channel(), h.lock(), h.count() + 1));
                return;
            }
            FileChannel channel = null;
            try {
                Path file = Files.createDirectories(cacheDir.resolve("locks")).resolve(key + ".use");
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                // shared: many processes may use it at once; blocks only while an eviction holds it
                FileLock lock = lockShared(channel);
                if (lock != null) {
                    held.put(key, new Held(channel, lock, 1));
                    channel = null;
                }
            } catch (IOException e) {
                // unmarked, as said above
            } finally {
                closeQuietly(channel);
            }
        }
    }

    /**
     * The shared use lock, or null if another store of this JVM holds a lock on the same file
     * (Java allows one per file and JVM). An eviction holds it only for a rename, so that case is
     * waited out briefly; if it lasts, the other store is running the image, and its shared lock
     * keeps other processes from evicting it just as ours would.
     */
    private static FileLock lockShared(FileChannel channel) throws IOException {
        for (int i = 0; ; i++) {
            try {
                return channel.lock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                if (i == 50) {
                    return null;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was locked through it
            }
        }
    }

    private void release(String hex) {
        synchronized (held) {
            Held h = held.get(hex);
            if (h == null) {
                return;
            }
            if (h.count() > 1) {
                held.put(hex, new Held(h.channel(), h.lock(), h.count() - 1));
                return;
            }
            held.remove(hex);
            try {
                h.lock().release();
                h.channel().close();
            } catch (IOException e) {
                // closing the channel releases the lock in any case
            }
        }
    }

    /** Keeps a layer from eviction while an image is built from it, until the handle is closed. */
    ImageStore.InUse useLayer(String hex) {
        String key = "layer-" + hex;
        hold(key);
        return () -> release(key);
    }

    void touch(String hex) {
        Path marker = cacheDir.resolve("images").resolve(hex).resolve("last-used");
        try {
            Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException e) {
            try {
                Files.writeString(marker, "");
            } catch (IOException ignored) {
                // an image being evicted or discarded right now
            }
        } catch (IOException e) {
            // the order of eviction is a hint; a run never fails for it
        }
    }

    // ---- sizes

    /** Records the unpacked size of a build about to become {@code images/<hex>}. */
    static void recordSize(Path imageDir, long bytes) throws IOException {
        Files.writeString(imageDir.resolve("size"), Long.toString(bytes));
    }

    long imageBytes(Path imageDir) {
        try {
            return Long.parseLong(Files.readString(imageDir.resolve("size")).strip());
        } catch (IOException | NumberFormatException e) {
            long bytes = treeBytes(imageDir.resolve("rootfs"), false);
            try {
                Path tmp = Files.createTempFile(imageDir, "size-", ".tmp");
                Files.writeString(tmp, Long.toString(bytes));
                Files.move(tmp, imageDir.resolve("size"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // measured again next time
            }
            return bytes;
        }
    }

    /** Bytes of regular files under {@code dir}; with {@code ownOnly}, only files with a single link. */
    static long treeBytes(Path dir, boolean ownOnly) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        if (!ownOnly || links(file) <= 1) {
                            total[0] += attrs.size();
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished or unreadable: a run's tree changes under us
                }
            });
        } catch (IOException e) {
            // nothing there
        }
        return total[0];
    }

    private static int links(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    record Entry(String hex, Path dir, long bytes, long lastUsed, List<String> layers) {
    }

    /** The layers an image uses (hex, one per line in its {@code layers} file); none for an image unpacked whole. */
    static List<String> layersOf(Path imageDir) {
        try {
            return Files.readAllLines(imageDir.resolve("layers")).stream().map(String::strip)
                    .filter(l -> l.length() == 64).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Layers in the store and their bytes. */
    Map<String, Long> layers() {
        Map<String, Long> layers = new HashMap<>();
        try (var dirs = Files.newDirectoryStream(cacheDir.resolve("layers"))) {
            for (Path dir : dirs) {
                String hex = dir.getFileName().toString();
                if (hex.length() != 64 || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long bytes;
                try {
                    bytes = Long.parseLong(Files.readString(dir.resolve("size")).strip());
                } catch (IOException | NumberFormatException e) {
                    bytes = treeBytes(dir.resolve("tree"), false);
                }
                layers.put(hex, bytes);
            }
        } catch (IOException e) {
            // no layers yet
        }
        return layers;
    }

    List<Entry> images() {
        List<Entry> entries = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(cacheDir.resolve("images"))) {
            for (Path dir : dirs) {
                String hex = dir.getFileName().toString();
                if (hex.length() != 64 || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                entries.add(new Entry(hex, dir, imageBytes(dir), lastUsed(dir), layersOf(dir)));
            }
        } catch (IOException e) {
            // no images yet
        }
        return entries;
    }

    private static long lastUsed(Path dir) {
        for (String name : List.of("last-used", "image.json")) {
            try {
                return Files.getLastModifiedTime(dir.resolve(name)).toMillis();
            } catch (IOException e) {
                // try the next
            }
        }
        return 0;
    }

    long runsBytes() {
        return treeBytes(cacheDir.resolve("runs"), true);
    }

    // ---- eviction

    /** What eviction achieved: bytes now used, and bytes held by images in use (which cannot go). */
    record Usage(long used, long pinned) {
    }

    /**
     * Evicts least-recently-used images that no run holds, and with each the layers no remaining
     * image uses, until {@code needed} more bytes fit under the cap or nothing more can go.
     * {@code keep} (the image being built) is never evicted; layers held by builds neither.
     * Layers no image uses (left by a failed or concurrent build) go first.
     */
    Usage makeRoom(long needed, String keep, Consumer<Path> evict) {
        List<Entry> entries = images();
        Map<String, Long> layers = layers();
        long runs = runsBytes();
        long used = runs + entries.stream().mapToLong(Entry::bytes).sum()
                + layers.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Integer> users = new HashMap<>();
        for (Entry e : entries) {
            e.layers().forEach(l -> users.merge(l, 1, Integer::sum));
        }
        java.util.Set<String> pinnedLayers = new java.util.HashSet<>();
        for (String layer : List.copyOf(layers.keySet())) {
            if (!users.containsKey(layer) && used + needed > maxBytes) {
                used -= evictLayer(layer, layers, pinnedLayers);
            }
        }
        long pinned = runs;
        entries.sort(Comparator.comparingLong(Entry::lastUsed));
        for (Entry e : entries) {
            boolean stays;
            if (e.hex().equals(keep)) {
                stays = true;
            } else if (used + needed <= maxBytes) {
                stays = inUse(e.hex()); // what the build may take is what no run holds
                if (!stays) {
                    continue;
                }
            } else if (tryEvict(e, evict)) {
                used -= e.bytes();
                for (String layer : e.layers()) {
                    if (users.merge(layer, -1, Integer::sum) <= 0) {
                        used -= evictLayer(layer, layers, pinnedLayers);
                    }
                }
                continue;
            } else {
                stays = true;
            }
            pinned += e.bytes();
            pinnedLayers.addAll(e.layers());
        }
        for (String layer : pinnedLayers) {
            pinned += layers.getOrDefault(layer, 0L);
        }
        return new Usage(used, pinned);
    }

    /** Removes a layer no image uses unless a build holds it; returns the bytes freed. */
    private long evictLayer(String hex, Map<String, Long> layers, java.util.Set<String> pinnedLayers) {
        Long bytes = layers.get(hex);
        if (bytes == null) {
            return 0;
        }
        Path dir = cacheDir.resolve("layers").resolve(hex);
        boolean gone = tryEvict(new Entry("layer-" + hex, dir, bytes, 0, List.of()), layerDir -> {
            try {
                Path tmp = Files.createDirectories(cacheDir.resolve("tmp"));
                Path trash = Files.createTempDirectory(tmp, "evict-");
                Files.move(layerDir, trash.resolve(hex), StandardCopyOption.ATOMIC_MOVE);
                deleteTree(trash);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!gone) {
            pinnedLayers.add(hex); // an image being built from it
            return 0;
        }
        return bytes;
    }

    private static void deleteTree(Path p) {
        try {
            LayerUnpacker.deleteTree(p);
        } catch (IOException e) {
            // junk under tmp/ only costs disk until the next cleanup
        }
    }

    private boolean inUse(String hex) {
        return !tryEvict(new Entry(hex, null, 0, 0, List.of()), dir -> { });
    }

    private boolean tryEvict(Entry e, Consumer<Path> evict) {
        synchronized (held) {
            if (held.containsKey(e.hex())) {
                return false; // this JVM runs it
            }
            Path file = cacheDir.resolve("locks").resolve(e.hex() + ".use");
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        return false; // another process runs it
                    }
                    try {
                        evict.accept(e.dir());
                    } finally {
                        lock.release();
                    }
                    return true;
                }
            } catch (OverlappingFileLockException ex) {
                return false; // another store in this JVM runs it
            } catch (IOException | RuntimeException ex) {
                return false;
            }
        }
    }
}
