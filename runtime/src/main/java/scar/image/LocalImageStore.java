package scar.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import scar.json.SharedMapper;
import scar.storage.FileVersion;

/**
 * The image cache on local disk:
 * <pre>
 * CACHE/images/&lt;hex of config digest&gt;/rootfs      the root filesystem: hardlinks of its layers' files
 *                                                  (absent for a one-layer image: the layer's tree is its rootfs)
 * CACHE/images/&lt;hex of config digest&gt;/image.json  id, source, config
 * CACHE/images/&lt;hex of config digest&gt;/layers      the layers it is made of (hex of their keys, one a line)
 * CACHE/layers/&lt;hex of blob digest&gt;/             one layer, shared by every image using it (see LayerStore)
 * CACHE/tmp/                                       builds in progress
 * CACHE/locks/&lt;hex&gt;.lock                          one builder per image, across processes
 * </pre>
 * An image directory only ever appears by an atomic rename of a complete build, so whatever is
 * under {@code images/} can be trusted; a failed or killed build leaves at most junk in {@code tmp/}.
 */
public final class LocalImageStore implements ImageStore {
    /** Hears about the slow steps, e.g. to show progress. All methods are optional. */
    public interface Listener {
        /** A pull of these layers starts (the image was not cached). */
        default void pulling(ImageRef ref, List<Descriptor> layers) {
        }

        default void downloading(ImageRef ref, Descriptor layer, int index, int count) {
        }

        /** Bytes of {@code layer} received so far (starts again from 0 if the layer is fetched again). */
        default void progress(ImageRef ref, Descriptor layer, long bytes) {
        }

        default void unpacked(Image image) {
        }
    }

    private final Path cacheDir;
    private final RegistryClient registry;
    private final long maxUnpackedBytes;
    private final Listener listener;
    private final ArchiveReader archives;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Junk older than this in tmp/ and runs/ is from a process that died: no build or run lasts so long. */
    private final java.time.Duration staleAfter;
    private final java.util.concurrent.atomic.AtomicBoolean cleaned = new java.util.concurrent.atomic.AtomicBoolean();
    private final CacheSpace space;
    private final String cacheSetting;
    private final LayerStore layerStore;
    /**
     * Images read from {@code images/}, by hex id, with the identity of the image.json they came
     * from: every run looks its image up twice (before and after marking it in use), and parsing
     * the JSON and the layer list again each time was a tenth of a batch's Java work per file.
     */
    private final Map<String, ReadImage> readImages = new ConcurrentHashMap<>();

    private record ReadImage(FileVersion version, Image image) {
    }

    public LocalImageStore(Path cacheDir, RegistryClient registry, long maxUnpackedBytes) {
        this(cacheDir, registry, maxUnpackedBytes, new Listener() {
        });
    }

    public LocalImageStore(Path cacheDir, RegistryClient registry, long maxUnpackedBytes, Listener listener) {
        this(cacheDir, registry, maxUnpackedBytes, listener, java.time.Duration.ofHours(6));
    }

    /** @param staleAfter age at which leftovers of dead builds and runs are removed (on the first build) */
    public LocalImageStore(Path cacheDir, RegistryClient registry, long maxUnpackedBytes, Listener listener,
                           java.time.Duration staleAfter) {
        this(cacheDir, registry, maxUnpackedBytes, Long.MAX_VALUE, listener, staleAfter);
    }

    /**
     * @param maxCacheBytes cap on the whole cache (images and run trees): least-recently-used images
     *                      that no run holds are evicted to make room; {@code Long.MAX_VALUE} for none
     */
    public LocalImageStore(Path cacheDir, RegistryClient registry, long maxUnpackedBytes, long maxCacheBytes,
                           Listener listener, java.time.Duration staleAfter) {
        this(cacheDir, registry, maxUnpackedBytes, maxCacheBytes, "cache_max_mb in scar.cfg", listener, staleAfter);
    }

    /**
     * @param cacheSetting where the cache cap is set, for the message when an image does not fit:
     *                     its name first, e.g. {@code cache_max_mb in scar.cfg}
     */
    public LocalImageStore(Path cacheDir, RegistryClient registry, long maxUnpackedBytes, long maxCacheBytes,
                           String cacheSetting, Listener listener, java.time.Duration staleAfter) {
        this.cacheSetting = Objects.requireNonNull(cacheSetting);
        this.staleAfter = Objects.requireNonNull(staleAfter);
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.registry = Objects.requireNonNull(registry);
        this.maxUnpackedBytes = maxUnpackedBytes;
        this.listener = Objects.requireNonNull(listener);
        this.archives = new ArchiveReader(maxUnpackedBytes);
        this.space = new CacheSpace(this.cacheDir, maxCacheBytes);
        this.layerStore = new LayerStore(this.cacheDir, this::locked, this::newTempDir);
    }

    /**
     * Pulls {@code ref} unless cached. Each layer comes from the layer store (see
     * {@link LayerStore}) or is fetched into it once, unpacked while it downloads (thrown away
     * unless the blob's digest matches at its end; if a connection breaks mid-layer, the layer is
     * downloaded whole, with retries). The rootfs is the layer's tree for a one-layer image,
     * else assembled from the layers by hardlinks.
     */
    @Override
    public Image pull(ImageRef ref) {
        RemoteImage remote = registry.resolve(ref);
        List<Descriptor> layers = remote.layers();
        List<Part> parts = new java.util.ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            int index = i;
            parts.add(new Part(layer.digest(), Math.max(0, layer.size()), () -> registryFetch(ref, layer, index, layers.size())));
        }
        Image image = cachedOrBuild(remote.id(), ref.display(), remote.config(), parts, () -> listener.pulling(ref, layers));
        remember(ref, image.id());
        return image;
    }

    /** One layer of an image: its key in the layer store, a size estimate, and how to fetch it if missing. */
    private record Part(String digest, long size, java.util.function.Supplier<LayerStore.Fetch> fetch) {
    }

    /**
     * The image {@code id} from the cache, or built from its layers under the image's lock: each
     * layer from the layer store (by its key, or by its diff id when the same content was stored
     * from another source) or fetched into it once; then the rootfs is the layer's tree for a
     * one-layer image, else assembled from the layers by hardlinks.
     */
    private Image cachedOrBuild(String id, String source, ParsedConfig config, List<Part> parts, Runnable starting) {
        String hex = Digests.hex(id);
        Optional<Image> cached = read(hex);
        if (cached.isPresent()) {
            return withSource(cached.get(), source);
        }
        return withLock(hex, () -> {
            // another thread or process may have finished it while we waited
            Optional<Image> done = read(hex);
            if (done.isPresent()) {
                return withSource(done.get(), source);
            }
            cleanStaleOnce();
            List<ImageStore.InUse> uses = new java.util.ArrayList<>();
            Path build = null;
            try {
                long missing = 0;
                boolean[] had = new boolean[parts.size()];
                for (int i = 0; i < parts.size(); i++) {
                    String layerHex = Digests.hex(parts.get(i).digest());
                    uses.add(space.useLayer(layerHex)); // before looking: eviction cannot take it from now on
                    String diffId = diffId(config, parts.size(), i);
                    had[i] = layerStore.present(layerHex) || (diffId != null && layerStore.presentByDiffId(diffId));
                    missing += had[i] ? 0 : parts.get(i).size();
                }
                LayerUnpacker.Limit limit = makeRoom(hex, source, missing);
                // bound by the cache's room: layers already stored count as used already, only new bytes count
                boolean roomBound = limit.bytes() < maxUnpackedBytes;
                starting.run();
                List<LayerStore.StoredLayer> stored = new java.util.ArrayList<>();
                long unpacked = 0;
                long fresh = 0;
                for (int i = 0; i < parts.size(); i++) {
                    LayerStore.StoredLayer got = layer(source, parts.get(i), diffId(config, parts.size(), i), uses, limit,
                            roomBound ? fresh : unpacked);
                    checkDiffId(source, config, parts.size(), i, got.diffId());
                    unpacked += got.bytes();
                    fresh += had[i] ? 0 : got.bytes();
                    if (unpacked > maxUnpackedBytes || (roomBound ? fresh : unpacked) > limit.bytes()) {
                        LayerUnpacker.Limit passed = unpacked > maxUnpackedBytes ? new LayerUnpacker.Limit(maxUnpackedBytes,
                                "the limit; raise image_max_mb in scar.cfg to use it") : limit;
                        throw new ImageException("image " + source + " is too big: it unpacks to more than "
                                + Messages.bytes(passed.bytes()) + ", " + passed.advice());
                    }
                    stored.add(got);
                }
                build = newTempDir(hex + "-");
                if (stored.size() != 1 || !stored.get(0).links().isEmpty()) { // a lone layer's links have nothing to link to: assembly says so
                    Path rootfs = Files.createDirectory(build.resolve("rootfs"));
                    LayerStore.assemble(stored, rootfs, source);
                }
                SharedMapper.get().writeValue(build.resolve("image.json").toFile(), new Stored(id, source, config.config()));
                // the layers it is made of, by their keys in the store (a layer found by its diff id has another key than the part's)
                Files.write(build.resolve("layers"), stored.stream().map(l -> Digests.hex(l.digest())).toList());
                CacheSpace.recordSize(build, 0); // its files' bytes are counted in its layers
                Files.writeString(build.resolve("last-used"), "");
                Files.createDirectories(imagesDir());
                Files.move(build, imagesDir().resolve(hex), StandardCopyOption.ATOMIC_MOVE);
                build = null;
                if (space.capped()) {
                    space.makeRoom(0, hex, this::evict); // the layers may have been bigger than their estimate
                }
            } catch (IOException e) {
                throw new ImageException("cannot store image " + source + " in " + cacheDir + ": " + RegistryClient.describe(e), e);
            } finally {
                if (build != null) {
                    deleteQuietly(build);
                }
                uses.forEach(ImageStore.InUse::close);
            }
            Image built = read(hex).orElseThrow(() -> new ImageException("image " + source + " vanished from the cache"));
            listener.unpacked(built);
            return built;
        });
    }

    /** The diff id the config lists for layer {@code index}, or null if its list does not match the layers. */
    private static String diffId(ParsedConfig config, int layerCount, int index) {
        return config.diffIds().size() == layerCount ? config.diffIds().get(index) : null;
    }

    /**
     * One layer of a build: from the store if intact (by its key, else by its diff id), else
     * fetched; a damaged one is discarded with its images first. Every layer it returns is
     * marked in use in {@code uses}.
     */
    private LayerStore.StoredLayer layer(String source, Part part, String diffId, List<ImageStore.InUse> uses,
                                         LayerUnpacker.Limit limit, long alreadyUnpacked) {
        String layerHex = Digests.hex(part.digest());
        Optional<LayerStore.StoredLayer> found = layerStore.verified(layerHex, part.digest());
        if (found.isPresent()) {
            return found.get();
        }
        if (layerStore.present(layerHex)) {
            discardLayers(List.of(layerHex)); // damaged: never trusted, and the images made of it go too
        }
        if (diffId != null) {
            Optional<LayerStore.StoredLayer> same = layerStore.byDiffId(diffId, hex -> uses.add(space.useLayer(hex)));
            if (same.isPresent()) {
                return same.get();
            }
        }
        return layerStore.ensure(part.digest(), source, limit, alreadyUnpacked, part.fetch().get());
    }

    /** How a registry layer arrives: unpacked while it downloads, or downloaded whole if the stream broke. */
    private LayerStore.Fetch registryFetch(ImageRef ref, Descriptor layer, int index, int count) {
        return new LayerStore.Fetch() {
            @Override
            public String stream(LayerUnpacker unpacker) throws IOException {
                listener.downloading(ref, layer, index + 1, count);
                try (InputStream in = registry.openBlob(ref, layer, bytes -> listener.progress(ref, layer, bytes))) {
                    String diffId;
                    try {
                        diffId = unpacker.apply(in, layer.digest());
                    } catch (ImageException e) {
                        if (!brokenStream(e)) {
                            // a damaged download shows up as a bad tar first: read to the end, where a
                            // digest mismatch, the real cause, is reported with both digests
                            in.transferTo(OutputStream.nullOutputStream());
                        }
                        throw e;
                    }
                    in.transferTo(OutputStream.nullOutputStream()); // to the end, where the digest is checked
                    return diffId;
                }
            }

            @Override
            public boolean retryWhole(ImageException e) {
                return brokenStream(e);
            }

            @Override
            public String whole(LayerUnpacker unpacker, Path blob) {
                listener.downloading(ref, layer, index + 1, count);
                registry.download(ref, layer, blob, bytes -> listener.progress(ref, layer, bytes));
                return unpacker.apply(blob, layer.digest());
            }
        };
    }

    /**
     * How a layer of an image file arrives: read from the file and unpacked, its key checked on
     * the way (the raw bytes' digest for a blob digest, the unpacked tar's for a diff id) before
     * the layer store keeps it.
     */
    private static LayerStore.Fetch archiveFetch(Path archive, Path file, String key, boolean keyIsDiffId) {
        return new LayerStore.Fetch() {
            @Override
            public String stream(LayerUnpacker unpacker) throws IOException {
                java.security.MessageDigest raw = Digests.newSha256();
                String diffId;
                // a FileInputStream: an interrupt of the read-ahead thread must not close it (a FileChannel's would)
                InputStream plain = new java.io.FileInputStream(file.toFile());
                // the raw bytes' digest only when it is the key: the unpacker computes the diff id anyway
                try (InputStream in = keyIsDiffId ? plain : new java.security.DigestInputStream(plain, raw)) {
                    try {
                        diffId = unpacker.apply(in, key);
                    } catch (ImageException e) {
                        // a damaged blob shows up as a bad tar first: the digest mismatch is the real cause
                        String actual = keyIsDiffId ? null : ArchiveReader.fileDigest(archive, file);
                        if (actual != null && !actual.equals(key)) {
                            throw ArchiveReader.corrupt(archive, key, actual);
                        }
                        throw e;
                    }
                    in.transferTo(OutputStream.nullOutputStream());
                }
                String actual = keyIsDiffId ? diffId : Digests.of(raw);
                if (!actual.equals(key)) {
                    throw ArchiveReader.corrupt(archive, key, actual);
                }
                return diffId;
            }

            @Override
            public boolean retryWhole(ImageException e) {
                return false; // a file does not break like a connection
            }

            @Override
            public String whole(LayerUnpacker unpacker, Path blob) {
                throw new IllegalStateException("a layer of an image file is never fetched again");
            }
        };
    }

    private static boolean brokenStream(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryClient.BlobStreamBroken) {
                return true;
            }
        }
        return false;
    }

    /**
     * The image last pulled for {@code ref}, without touching the network (what {@code docker run}
     * does with a local image). A digest reference only ever finds that exact manifest's image.
     */
    public Optional<Image> findByRef(ImageRef ref) {
        try {
            String id = Files.readString(refFile(ref)).trim();
            return find(id).map(image -> withSource(image, ref.display()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageException("cannot read the image cache " + cacheDir + ": " + RegistryClient.describe(e), e);
        }
    }

    /** Records ref -> id with a rename, so a reader sees the old id or the new one, never half a file. */
    private void remember(ImageRef ref, String id) {
        try {
            Path file = refFile(ref);
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "ref-", ".tmp");
            Files.writeString(tmp, id + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ImageException("cannot update the image cache " + cacheDir + ": " + RegistryClient.describe(e), e);
        }
    }

    private Path refFile(ImageRef ref) {
        // hashed: references contain ':' and '/', and the file name must not be user-controlled
        String key = Digests.hex(Digests.sha256(ref.canonical().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return cacheDir.resolve("refs").resolve(key);
    }

    @Override
    public Image load(Path archive) {
        if (!Files.exists(archive)) {
            throw new ImageException("image file " + archive + " not found");
        }
        boolean layout = Files.isDirectory(archive);
        if (!layout && !Files.isRegularFile(archive)) {
            throw new ImageException("image file " + archive + " is not a regular file or an OCI layout directory");
        }
        Path extracted = layout ? null : newTempDir("load-");
        try {
            ArchiveReader.Contents contents = layout ? archives.readLayout(archive) : archives.read(archive, extracted);
            ParsedConfig config = contents.config();
            List<ArchiveReader.Layer> layers = contents.layers();
            List<Part> parts = new java.util.ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                ArchiveReader.Layer layer = layers.get(i);
                String diffId = diffId(config, layers.size(), i);
                // the key: the blob digest an OCI manifest names; for docker save (no digests), the
                // diff id its config lists, else the file's digest
                String key = layer.digest() != null ? layer.digest()
                        : diffId != null ? diffId : ArchiveReader.fileDigest(archive, layer.file());
                boolean keyIsDiffId = layer.digest() == null && diffId != null;
                parts.add(new Part(key, Files.size(layer.file()), () -> archiveFetch(archive, layer.file(), key, keyIsDiffId)));
            }
            return cachedOrBuild(config.digest(), archive.toString(), config, parts, () -> { });
        } catch (IOException e) {
            throw new ImageException("cannot read image file " + archive + ": " + RegistryClient.describe(e), e);
        } finally {
            if (extracted != null) {
                deleteQuietly(extracted);
            }
        }
    }

    /**
     * Marks the image as in use by a run until the handle is closed: it is then never evicted, and
     * it counts as used now for least-recently-used eviction.
     */
    @Override
    public InUse use(Image image) {
        if (!Digests.isValid(image.id())) {
            return () -> { };
        }
        return space.use(Digests.hex(image.id()));
    }

    /**
     * Looks up and marks in use without a gap eviction could slip into: the use-mark (a shared
     * lock that eviction needs exclusive) is taken first, then the image is checked to be still in
     * {@code images/}. Eviction moves an image out only while holding that lock exclusively, so
     * an image found there after the mark stays until the mark is released. If another store
     * evicted it between the lookup and the mark, it is looked up (pulled or loaded) again.
     */
    @Override
    public Held acquire(java.util.function.Supplier<Image> lookup) {
        for (int attempt = 1; ; attempt++) {
            Image image = lookup.get();
            if (!Digests.isValid(image.id())) {
                return new Held(image, () -> { });
            }
            InUse inUse = use(image);
            if (read(Digests.hex(image.id())).isPresent()) {
                return new Held(image, inUse);
            }
            inUse.close();
            if (attempt == 3) {
                // other processes keep making room right after each fetch: the cache is too small for them all
                throw new ImageException("image " + image.source() + " was evicted from the cache " + cacheDir
                        + " by other runs " + attempt + " times before it could start; raise " + cacheSetting);
            }
        }
    }

    @Override
    public Optional<Image> find(String imageId) {
        if (!Digests.isValid(imageId)) {
            return Optional.empty();
        }
        return read(Digests.hex(imageId));
    }

    @Override
    public Path runsDir(Image image) {
        return cacheDir.resolve("runs");
    }

    /**
     * Moves the image out of {@code images/} at once (readers never see half of it), then deletes
     * it. Its files are hardlinks of its layers' files, so damage to it is damage to them: its
     * layers go too, and with them every image that uses any of them.
     */
    @Override
    public void discard(Image image) {
        if (!Digests.isValid(image.id())) {
            return;
        }
        String hex = Digests.hex(image.id());
        List<String> layerHexes = CacheSpace.layersOf(imagesDir().resolve(hex));
        withLock(hex, () -> {
            moveOutImage(hex, image.source());
            return null;
        });
        discardLayers(layerHexes);
    }

    /** Removes layers and every image using any of them (no image lock: a rename is atomic, and builds of those images are over). */
    private void discardLayers(List<String> layerHexes) {
        if (layerHexes.isEmpty()) {
            return;
        }
        try (var dirs = Files.newDirectoryStream(imagesDir())) {
            for (Path dir : dirs) {
                if (CacheSpace.layersOf(dir).stream().anyMatch(layerHexes::contains)) {
                    moveOutImage(dir.getFileName().toString(), dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            // no images
        }
        for (String layerHex : layerHexes) {
            withLock("layer-" + layerHex, () -> {
                layerStore.moveOut(layerHex);
                return null;
            });
        }
    }

    private void moveOutImage(String hex, String source) {
        Path dir = imagesDir().resolve(hex);
        if (Files.isDirectory(dir)) {
            Path trash = newTempDir("discard-").resolve(hex);
            try {
                Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // gone already
            } catch (IOException e) {
                throw new ImageException("cannot discard the damaged image " + source + " from " + cacheDir
                        + ": " + RegistryClient.describe(e) + "; delete " + dir + " by hand", e);
            }
            deleteQuietly(trash.getParent());
        }
    }

    /** The directory of the cache (for tools that report disk usage or clean up). */
    public Path cacheDir() {
        return cacheDir;
    }

    // ---- building

    private record Stored(String id, String source, ImageConfig config) {
    }

    /** image.json, field by field: an object mapper's set-up cost a one-shot run ~0.1 s. */
    private static Stored readStored(Path file) throws IOException {
        String[] text = new String[2]; // id, source
        ImageConfig[] config = {new ImageConfig(null, null, null, null, null)};
        scar.json.JsonFields.read(file.toFile(), (field, value) -> {
            switch (field) {
                case "id" -> text[0] = value.text();
                case "source" -> text[1] = value.text();
                case "config" -> {
                    List<List<String>> lists = new java.util.ArrayList<>(List.of(List.of(), List.of(), List.of()));
                    String[] strings = new String[2]; // workingDir, user
                    value.nested((name, part) -> {
                        switch (name) {
                            case "entrypoint" -> lists.set(0, part.texts());
                            case "cmd" -> lists.set(1, part.texts());
                            case "env" -> lists.set(2, part.texts());
                            case "workingDir" -> strings[0] = part.text();
                            case "user" -> strings[1] = part.text();
                            default -> { } // a newer scar's field
                        }
                    });
                    config[0] = new ImageConfig(lists.get(0), lists.get(1), lists.get(2), strings[0], strings[1]);
                }
                default -> { } // a newer scar's field
            }
        });
        return new Stored(text[0], text[1], config[0]);
    }

    /**
     * Before a build: evicts least-recently-used images no run holds until the compressed size
     * (the least the image will take) fits, and returns how much the unpack may write — the
     * smaller of image_max_mb and what the cache could hold if every unused image went.
     */
    private LayerUnpacker.Limit makeRoom(String hex, String source, long compressedBytes) {
        LayerUnpacker.Limit imageLimit = new LayerUnpacker.Limit(maxUnpackedBytes,
                "the limit; raise image_max_mb in scar.cfg to use it");
        if (!space.capped()) {
            return imageLimit;
        }
        CacheSpace.Usage usage = space.makeRoom(compressedBytes, hex, this::evict);
        long room = Math.max(0, space.maxBytes() - usage.pinned());
        String mb = Long.toString(space.maxBytes() >> 20);
        String key = cacheSetting.split(" ", 2)[0];
        String why = "what the cache can hold (" + key + " = " + mb + ", " + Messages.bytes(usage.pinned())
                + " of it used by images in use and run trees); raise " + cacheSetting + " to use it";
        if (compressedBytes > room) {
            throw new ImageException("image " + source + " is too big for the cache: its layers alone are "
                    + Messages.bytes(compressedBytes) + " compressed, more than " + Messages.bytes(room) + ", " + why);
        }
        return room < maxUnpackedBytes ? new LayerUnpacker.Limit(room, why) : imageLimit;
    }

    /** Removes an image to free space: out of images/ by one rename, then its spare run trees and files. */
    private void evict(Path imageDir) {
        String hex = imageDir.getFileName().toString();
        Path rootfs = read(hex).map(Image::rootfs).orElse(imageDir.resolve("rootfs"));
        Path trash = newTempDir("evict-").resolve(hex);
        try {
            Files.move(imageDir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(trash.getParent());
            throw new java.io.UncheckedIOException(e);
        }
        // spares of its run trees (see RunRootfs): once the image is gone their files are no longer shared
        String key = spareKey(rootfs);
        try (var spares = Files.newDirectoryStream(cacheDir.resolve("runs"), "spare-" + key + "-*")) {
            for (Path spare : spares) {
                deleteQuietly(spare);
            }
        } catch (IOException e) {
            // no runs yet
        }
        deleteQuietly(trash.getParent());
    }

    /** Must match RunRootfs' spare key: the first 8 bytes of sha256 of the image's rootfs path. */
    private static String spareKey(Path rootfs) {
        return Digests.hex(Digests.sha256(rootfs.toAbsolutePath().normalize().toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static void checkDiffId(String source, ParsedConfig config, int layerCount, int index, String diffId) {
        // a config that lists a different number of layers cannot be matched up; the blob digests were checked already
        if (config.diffIds().size() == layerCount && !config.diffIds().get(index).equals(diffId)) {
            throw new ImageException("layer " + (index + 1) + " of image " + source + " does not match its config: expected "
                    + config.diffIds().get(index) + ", got " + diffId);
        }
    }

    private Optional<Image> read(String hex) {
        Path dir = imagesDir().resolve(hex);
        Path json = dir.resolve("image.json");
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(json, BasicFileAttributes.class);
        } catch (IOException e) {
            readImages.remove(hex);
            return Optional.empty(); // not cached, or evicted (moved out of images/)
        }
        ReadImage known = readImages.get(hex);
        if (known != null && known.version().matches(attrs)) {
            // the same image.json: only the tree can have gone since (its layer evicted)
            return Files.isDirectory(known.image().rootfs(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(known.image()) : Optional.empty();
        }
        Optional<Image> image = parse(dir, json);
        image.ifPresentOrElse(i -> readImages.put(hex, new ReadImage(FileVersion.of(attrs), i)), () -> readImages.remove(hex));
        return image;
    }

    private Optional<Image> parse(Path dir, Path json) {
        try {
            Stored stored = readStored(json);
            List<String> layers = CacheSpace.layersOf(dir);
            // one layer: the rootfs is the layer's tree (see LayerStore)
            Path rootfs = layers.size() == 1 && !Files.isDirectory(dir.resolve("rootfs"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    ? layerStore.tree(layers.get(0)) : dir.resolve("rootfs");
            if (!Files.isDirectory(rootfs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(new Image(stored.id(), stored.source(), stored.config(), rootfs));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageException("the cache entry " + dir + " is damaged (" + RegistryClient.describe(e)
                    + "); delete it and pull the image again", e);
        }
    }

    private static Image withSource(Image image, String source) {
        return new Image(image.id(), source, image.config(), image.rootfs());
    }

    // ---- leftovers

    /**
     * Removes what killed processes left in {@code tmp/} (half-built images, extracted archives)
     * and {@code runs/} (run root filesystems), once per store: entries older than
     * {@code staleAfter}, and for image builds only if no process holds that image's lock.
     */
    private void cleanStaleOnce() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - staleAfter.toMillis();
        for (Path dir : List.of(cacheDir.resolve("tmp"), cacheDir.resolve("runs"))) {
            try (var entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (Files.getLastModifiedTime(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff
                            && !buildInProgress(entry)) {
                        deleteQuietly(entry);
                    }
                }
            } catch (IOException e) {
                // nothing there yet, or unreadable: junk costs only disk
            }
        }
    }

    /** A build dir is {@code tmp/<hex>-NNN}; its builder holds {@code locks/<hex>.lock}. */
    private boolean buildInProgress(Path entry) {
        String name = entry.getFileName().toString();
        String prefix = name.startsWith("layer-") ? "layer-" : "";
        name = name.substring(prefix.length());
        int dash = name.indexOf('-');
        if (!entry.getParent().getFileName().toString().equals("tmp") || dash != 64) {
            return false;
        }
        Path lockFile = cacheDir.resolve("locks").resolve(prefix + name.substring(0, dash) + ".lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM is building it
        } catch (IOException e) {
            return true; // cannot tell: leave it
        }
    }

    // ---- locking

    private interface Body<T> {
        T run();
    }

    /**
     * One builder per image: a ReentrantLock for threads of this store, a FileChannel lock for
     * other processes. Another store in this JVM on the same cache makes {@code lock()} throw
     * OverlappingFileLockException; then we poll until it is done.
     */
    private <T> T withLock(String hex, Body<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(hex, k -> new ReentrantLock());
        lock.lock();
        try {
            Path lockFile = cacheDir.resolve("locks").resolve(hex + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock fileLock = acquire(channel);
                try {
                    return body.run();
                } finally {
                    fileLock.release();
                }
            }
        } catch (IOException e) {
            throw new ImageException("cannot lock the image cache " + cacheDir + ": " + RegistryClient.describe(e), e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(String key, java.util.function.Supplier<T> body) {
        return withLock(key, body::get);
    }

    private static FileLock acquire(FileChannel channel) throws IOException {
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ImageException("interrupted while waiting for another pull of the same image");
                }
            }
        }
    }

    // ---- files

    private Path imagesDir() {
        return cacheDir.resolve("images");
    }

    private Path newTempDir(String prefix) {
        try {
            Path tmp = Files.createDirectories(cacheDir.resolve("tmp"));
            return Files.createTempDirectory(tmp, prefix);
        } catch (IOException e) {
            throw new ImageException("cannot create a directory in the image cache " + cacheDir + ": " + RegistryClient.describe(e), e);
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
