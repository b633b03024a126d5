package scar.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import scar.json.SharedMapper;

/**
 * The content-addressed layer store: each layer blob downloaded and unpacked once, shared by
 * every image that uses it.
 *
 * <pre>
 * CACHE/layers/&lt;hex of the blob digest&gt;/tree        the layer's files, whiteouts NOT applied
 * CACHE/layers/&lt;hex&gt;/layer.json                     digest, diff id, whiteouts, opaque dirs, fingerprint, check
 * CACHE/layers/&lt;hex&gt;/size                           bytes of the layer's regular files (for cache_max_mb)
 * CACHE/locks/layer-&lt;hex&gt;.lock                      one builder per layer, across processes
 * CACHE/locks/layer-&lt;hex&gt;.use                       held shared by image builds using it; eviction needs it exclusive
 * CACHE/diff-ids/&lt;hex of a diff id&gt;                  the hex of a stored layer whose uncompressed tar has that digest
 * </pre>
 *
 * <p>Keys. A registry layer is keyed by its blob digest; a layer of a {@code docker save}
 * tarball by its diff id (the digest of the uncompressed tar, which is what the tarball holds
 * and what its config lists); a layer of an OCI archive or layout by its blob digest, as in a
 * registry. Each key is checked while the layer is unpacked, before the layer is stored. The
 * same content compressed differently (a gzip blob in a registry, the plain tar in a
 * {@code docker save}) has different keys but one diff id: {@code diff-ids/} finds it, so an
 * image loaded from a file and one pulled from a registry share their common layers.
 *
 * <p>Design. A registry layer is keyed by its (compressed) blob digest, known before the
 * download, so a second image finds it without fetching anything. It is unpacked on its own, as hostile as ever
 * ({@link LayerUnpacker#forLayer}): its whiteouts have nothing below them yet, so they are kept
 * as markers in {@code layer.json} (never as files in the tree) and applied when an image is
 * assembled. A layer appears only by an atomic rename of a complete build out of {@code tmp/},
 * under its own file lock, so N images sharing a layer fetch it once.
 *
 * <p>An image's rootfs: with one layer (the common case) it <em>is</em> the layer's tree — no
 * link per file, so a single-layer cold pull costs what it did before the store. With several,
 * it is assembled in {@link #assemble}: directories recreated with their modes, files and
 * symlinks hardlinked from the layer trees, in layer order, each layer's opaque dirs and
 * whiteouts applied to what lower layers put there before its own files are linked (so a
 * whiteout never hides its own layer's file, whatever the order in the tar). A hardlink to a
 * file of a lower layer (the unpacker finds no target in the layer's own tree) is kept in
 * {@code layer.json} as a {@link Link} and made there, to the file the layers below left at its
 * target once this layer's whiteouts are applied, before its own files replace it. Assembly never
 * follows a symlink: a lower layer's symlink where an upper layer has a directory is replaced
 * by that directory, and a whiteout under a symlink hides nothing.
 *
 * <p>Trust. {@code layer.json} carries a sha256 of its own content and a fingerprint of the tree
 * (entries and bytes); a layer reused for a new image is checked against both, and a mismatch
 * (a file removed, a marker changed) discards it and the images built from it, and it is fetched
 * again. Because an image's files are hardlinks of its layers' files, a run that writes into one
 * in place damages the layer too (and every image sharing it): {@link LocalImageStore#discard}
 * therefore discards the image's layers and every image that uses any of them.
 *
 * <p>Size. A file's bytes are counted once, in its layer: {@code layers/<hex>/size}. An
 * assembled image's own size is 0 (only directories of its own). Eviction removes images in LRU
 * order and with them every layer no remaining image uses (see {@link CacheSpace#makeRoom}).
 */
final class LayerStore {
    /** A lock per key across threads and processes, as images have. */
    interface Locks {
        <T> T with(String key, Supplier<T> body);
    }

    /** How a missing layer's bytes arrive. */
    interface Fetch {
        /** Unpacks the blob while it downloads; returns its diff id. */
        String stream(LayerUnpacker unpacker) throws IOException;

        /** True if {@code e} broke the stream: the layer is then downloaded whole, with retries. */
        boolean retryWhole(ImageException e);

        /** Downloads the blob to {@code blob}, then unpacks it; returns its diff id. */
        String whole(LayerUnpacker unpacker, Path blob) throws IOException;
    }

    /** A layer in the store. */
    record StoredLayer(String digest, String diffId, Path tree, List<String> whiteouts, List<String> opaques,
                       long bytes, long entries, List<Link> links) {
        StoredLayer {
            links = links == null ? List.of() : List.copyOf(links);
        }
    }

    /** A hardlink at {@code path} to {@code target}, a file of a lower layer (both relative, '/'-separated). */
    record Link(String path, String target) {
    }

    /** What {@code layer.json} holds; {@code check} is the sha256 of the other fields. */
    record Manifest(String digest, String diffId, List<String> whiteouts, List<String> opaques, long bytes,
                    long entries, String check, List<Link> links) {
        String expectedCheck() {
            String text = digest + "\n" + diffId + "\n" + String.join("\n", whiteouts) + "\n--\n"
                    + String.join("\n", opaques) + "\n" + bytes + "\n" + entries;
            if (links != null && !links.isEmpty()) {
                // only when there are some: layers stored before links were recorded keep their check
                StringBuilder more = new StringBuilder("\n--links");
                for (Link link : links) {
                    more.append('\n').append(link.path()).append('\0').append(link.target());
                }
                text += more;
            }
            return Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Path cacheDir;
    private final Locks locks;
    private final Function<String, Path> newTempDir;

    LayerStore(Path cacheDir, Locks locks, Function<String, Path> newTempDir) {
        this.cacheDir = cacheDir;
        this.locks = locks;
        this.newTempDir = newTempDir;
    }

    Path layersDir() {
        return cacheDir.resolve("layers");
    }

    private Path diffIdsDir() {
        return cacheDir.resolve("diff-ids");
    }

    /**
     * A stored, intact layer whose uncompressed tar has {@code diffId}, whatever its key.
     * {@code mark} gets its hex before it is checked (to hold it against eviction from then on).
     */
    Optional<StoredLayer> byDiffId(String diffId, java.util.function.Consumer<String> mark) {
        if (!Digests.isValid(diffId)) {
            return Optional.empty();
        }
        String hex;
        try {
            hex = Files.readString(diffIdsDir().resolve(Digests.hex(diffId))).strip();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!hex.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        mark.accept(hex);
        Manifest manifest = manifest(hex);
        if (manifest == null || !diffId.equals(manifest.diffId()) || !Digests.isValid(manifest.digest())
                || !Digests.hex(manifest.digest()).equals(hex)) {
            return Optional.empty();
        }
        return verified(hex, manifest.digest());
    }

    /** True if some stored layer (intact or not) is recorded for {@code diffId}; a hint, for estimates. */
    boolean presentByDiffId(String diffId) {
        if (!Digests.isValid(diffId)) {
            return false;
        }
        try {
            return present(Files.readString(diffIdsDir().resolve(Digests.hex(diffId))).strip());
        } catch (IOException e) {
            return false;
        }
    }

    /** Records that the layer {@code hex} unpacks to {@code diffId} (by a rename: readers see a whole file). */
    private void recordDiffId(String diffId, String hex) {
        if (!Digests.isValid(diffId)) {
            return;
        }
        try {
            Path dir = Files.createDirectories(diffIdsDir());
            Path tmp = Files.createTempFile(dir, "diff-", ".tmp");
            Files.writeString(tmp, hex + "\n");
            Files.move(tmp, dir.resolve(Digests.hex(diffId)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only sharing with images of other sources is lost
        }
    }

    private Manifest manifest(String hex) {
        try {
            return SharedMapper.get().readValue(layersDir().resolve(hex).resolve("layer.json").toFile(), Manifest.class);
        } catch (IOException e) {
            return null;
        }
    }

    Path tree(String hex) {
        return layersDir().resolve(hex).resolve("tree");
    }

    boolean present(String hex) {
        return Files.isRegularFile(layersDir().resolve(hex).resolve("layer.json"), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The layer, from the store if it is there and intact, else fetched and unpacked once (other
     * threads and processes wanting it wait, then reuse it). The caller holds its use mark.
     */
    StoredLayer ensure(String digest, String imageName, LayerUnpacker.Limit limit, long alreadyUnpacked, Fetch fetch) {
        String hex = Digests.hex(digest);
        Optional<StoredLayer> found = verified(hex, digest);
        if (found.isPresent()) {
            return found.get();
        }
        return locks.with("layer-" + hex, () -> {
            Optional<StoredLayer> done = verified(hex, digest);
            if (done.isPresent()) {
                return done.get();
            }
            Path build = newTempDir.apply("layer-" + hex + "-");
            try {
                Path tree = build.resolve("tree");
                Files.createDirectory(tree);
                LayerUnpacker unpacker = LayerUnpacker.forLayer(tree, imageName, limit, alreadyUnpacked);
                String diffId;
                try {
                    diffId = fetch.stream(unpacker);
                } catch (ImageException e) {
                    if (!fetch.retryWhole(e)) {
                        throw e;
                    }
                    LayerUnpacker.deleteTree(tree);
                    Files.createDirectory(tree);
                    unpacker = LayerUnpacker.forLayer(tree, imageName, limit, alreadyUnpacked);
                    Path blob = build.resolve("blob");
                    diffId = fetch.whole(unpacker, blob);
                    Files.deleteIfExists(blob);
                }
                // counted while unpacking; a walk (~7,000 lstats for a Debian base) only if entries were replaced
                long[] fingerprint = unpacker.counts() != null ? unpacker.counts() : fingerprint(tree);
                Manifest unchecked = new Manifest(digest, diffId, unpacker.whiteouts(), unpacker.opaques(),
                        fingerprint[1], fingerprint[0], "", unpacker.links());
                Manifest manifest = new Manifest(digest, diffId, unchecked.whiteouts(), unchecked.opaques(),
                        unchecked.bytes(), unchecked.entries(), unchecked.expectedCheck(), unchecked.links());
                SharedMapper.get().writeValue(build.resolve("layer.json").toFile(), manifest);
                Files.writeString(build.resolve("size"), Long.toString(manifest.bytes()));
                Files.createDirectories(layersDir());
                Path dir = layersDir().resolve(hex);
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    moveOut(hex); // damaged (it failed its check): never trusted, replaced whole
                }
                Files.move(build, dir, StandardCopyOption.ATOMIC_MOVE);
                recordDiffId(diffId, hex);
                return stored(manifest, dir.resolve("tree"));
            } catch (IOException e) {
                deleteQuietly(build);
                throw new ImageException("cannot store layer " + digest + " of image " + imageName + " in " + cacheDir
                        + ": " + RegistryClient.describe(e), e);
            } catch (RuntimeException | Error e) {
                deleteQuietly(build);
                throw e;
            }
        });
    }

    /**
     * The stored layer if its manifest is intact and its tree still matches the fingerprint taken
     * when it was unpacked; empty if missing or damaged (a damaged one is replaced by the next build).
     */
    Optional<StoredLayer> verified(String hex, String digest) {
        Path dir = layersDir().resolve(hex);
        Manifest manifest;
        try {
            manifest = SharedMapper.get().readValue(dir.resolve("layer.json").toFile(), Manifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable manifest: damaged
        }
        if (manifest.whiteouts() == null || manifest.opaques() == null || manifest.check() == null
                || !digest.equals(manifest.digest()) || !manifest.check().equals(manifest.expectedCheck())) {
            return Optional.empty();
        }
        Path tree = dir.resolve("tree");
        if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        long[] fingerprint = fingerprint(tree);
        if (fingerprint[0] != manifest.entries() || fingerprint[1] != manifest.bytes()) {
            return Optional.empty();
        }
        return Optional.of(stored(manifest, tree));
    }

    private static StoredLayer stored(Manifest m, Path tree) {
        return new StoredLayer(m.digest(), m.diffId(), tree, m.whiteouts(), m.opaques(), m.bytes(), m.entries(), m.links());
    }

    /** Entries (of any type) and bytes of regular files under {@code tree}, never following symlinks. */
    static long[] fingerprint(Path tree) {
        long[] counts = {0, 0};
        try {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    counts[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    counts[0]++;
                    if (attrs.isRegularFile()) {
                        counts[1] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    counts[0] = -1_000_000_000L; // unreadable: never matches
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            counts[0] = -1;
        }
        return counts;
    }

    /**
     * Moves the layer out of {@code layers/} at once (a reader sees all of it or nothing), then
     * deletes it. Images built from it must go too: their files are its files.
     */
    void moveOut(String hex) {
        Path dir = layersDir().resolve(hex);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = newTempDir.apply("discard-").resolve(hex);
        try {
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(trash.getParent());
            throw new ImageException("cannot remove layer " + hex + " from " + cacheDir + ": " + RegistryClient.describe(e)
                    + "; delete " + dir + " by hand", e);
        }
        deleteQuietly(trash.getParent());
    }

    // ---- assembly

    /**
     * Builds an image's rootfs (an existing empty directory) from its layers, lowest first,
     * without copying file data: hardlinks (a copy only where the filesystem refuses a link).
     */
    static void assemble(List<StoredLayer> layers, Path rootfs, String imageName) throws IOException {
        Path staging = null;
        try {
            for (StoredLayer layer : layers) {
                if (!layer.links().isEmpty() && staging == null) {
                    staging = Files.createTempDirectory(rootfs.toAbsolutePath().getParent(), ".links-");
                }
                assembleLayer(layer, rootfs, imageName, staging);
            }
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    private static void assembleLayer(StoredLayer layer, Path rootfs, String imageName, Path staging) throws IOException {
        // lower-layer content hidden by this layer goes before this layer's own files arrive
        for (String opaque : layer.opaques()) {
            Path dir = existingDir(rootfs, opaque);
            if (dir != null) {
                for (Path child : children(dir)) {
                    LayerUnpacker.deleteTree(child);
                }
            }
        }
        for (String whiteout : layer.whiteouts()) {
            int slash = whiteout.lastIndexOf('/');
            Path dir = existingDir(rootfs, slash < 0 ? "" : whiteout.substring(0, slash));
            if (dir != null) {
                LayerUnpacker.deleteTree(dir.resolve(whiteout.substring(slash + 1)));
            }
        }
        // the layer's links to lower files: to what is there once its whiteouts are applied (the
        // OCI spec applies them first, whatever their place in the tar), before its own files
        // replace any of them (a tar applied in order links the lower file)
        List<Path> staged = new ArrayList<>();
        for (Link link : layer.links()) {
            Path file = lowerFile(rootfs, layer, link, imageName);
            Path stage = staging.resolve(Integer.toString(staged.size()));
            linkOrCopy(file, stage);
            staged.add(stage);
        }
        mirror(layer.tree(), rootfs);
        for (int i = 0; i < staged.size(); i++) {
            Link link = layer.links().get(i);
            int slash = link.path().lastIndexOf('/');
            Path dir = existingDir(rootfs, slash < 0 ? "" : link.path().substring(0, slash));
            if (dir == null) {
                // the unpacker made its parents in the layer's tree, so mirror made them here: a tampered manifest
                throw unsafeLink(layer, link, imageName, "cannot be placed: its directory is missing or a symlink");
            }
            Path dest = dir.resolve(link.path().substring(slash + 1));
            LayerUnpacker.deleteTree(dest);
            Files.move(staged.get(i), dest);
        }
    }

    /**
     * The regular file {@code link} points to in the rootfs assembled so far, reached through real
     * directories only: never through a symlink (of any layer), so never outside the rootfs.
     */
    private static Path lowerFile(Path rootfs, StoredLayer layer, Link link, String imageName) throws IOException {
        String[] parts = link.target().split("/");
        Path p = rootfs;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].equals(".") || parts[i].equals("..")) {
                throw unsafeLink(layer, link, imageName, "is invalid"); // never recorded; a tampered manifest fails its check first
            }
            p = p.resolve(parts[i]);
            BasicFileAttributes attrs = attributes(p);
            if (attrs == null || (i < parts.length - 1 && !attrs.isDirectory() && !attrs.isSymbolicLink())) {
                throw unsafeLink(layer, link, imageName, "does not exist in the layers below it (or one of them deletes it)");
            }
            if (attrs.isSymbolicLink()) {
                throw unsafeLink(layer, link, imageName, i < parts.length - 1
                        ? "goes through the symlink '" + Messages.quote(String.join("/", java.util.Arrays.copyOf(parts, i + 1))) + "'"
                        : "is a symlink, not a regular file");
            }
            if (i == parts.length - 1 && !attrs.isRegularFile()) {
                throw unsafeLink(layer, link, imageName, "is not a regular file");
            }
        }
        return p;
    }

    private static ImageException unsafeLink(StoredLayer layer, Link link, String imageName, String why) {
        return new ImageException("unsafe layer " + layer.digest() + " in image " + imageName + ": entry '"
                + Messages.quote(link.path()) + "' is a hardlink to '" + Messages.quote(link.target()) + "', which "
                + why + "; refusing to unpack it");
    }

    private static void linkOrCopy(Path file, Path target) throws IOException {
        try {
            Files.createLink(target, file);
        } catch (IOException | UnsupportedOperationException e) {
            // another filesystem, or too many links: a copy is still right, only bigger
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** {@code rootfs/relative} if every component is a real directory (never a symlink), else null. */
    private static Path existingDir(Path rootfs, String relative) throws IOException {
        Path dir = rootfs;
        if (relative.isEmpty()) {
            return dir;
        }
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return null; // never written by the unpacker; a tampered manifest fails its check first
            }
            dir = dir.resolve(part);
            BasicFileAttributes attrs = attributes(dir);
            if (attrs == null || !attrs.isDirectory()) {
                return null;
            }
        }
        return dir;
    }

    /** Links the layer's tree {@code src} into {@code dst} (a real directory), replacing what is there. */
    private static void mirror(Path src, Path dst) throws IOException {
        for (Path child : children(src)) {
            BasicFileAttributes attrs = attributes(child);
            if (attrs == null) {
                continue;
            }
            Path target = dst.resolve(child.getFileName().toString());
            BasicFileAttributes existing = attributes(target);
            if (attrs.isDirectory()) {
                if (existing != null && !existing.isDirectory()) {
                    LayerUnpacker.deleteTree(target); // a symlink is replaced, never followed
                    existing = null;
                }
                if (existing == null) {
                    Files.createDirectory(target);
                }
                mirror(child, target);
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(child, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(target, mode);
            } else if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                if (existing != null) {
                    LayerUnpacker.deleteTree(target);
                }
                linkOrCopy(child, target); // link(2) links a symlink itself, never its target
            }
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        return children;
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            LayerUnpacker.deleteTree(p);
        } catch (IOException e) {
            // junk under tmp/ is never trusted; it only costs disk until the next cleanup
        }
    }
}
