package scar.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Applies the layers of one image, in order, onto a root directory — treating every layer as hostile.
 *
 * <p>Nothing is ever written outside the root: entry names with {@code ..} or a leading '/' are
 * rejected, every parent directory is checked to be a real directory (never a symlink, at any depth)
 * before anything is created in it, and an existing entry is deleted before it is replaced, so a
 * symlink planted by an earlier entry or layer cannot redirect a write. Symlinks are created with
 * their targets as-is: they are only ever resolved inside the container.
 *
 * <p>OCI whiteouts are honoured: {@code .wh.NAME} removes NAME of lower layers and
 * {@code .wh..wh..opq} empties a directory's lower-layer content, whether it comes before or after
 * this layer's own files in that directory (paths written by the current layer are tracked).
 *
 * <p>One instance serves one image build; the size cap is for the whole image.
 */
public final class LayerUnpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final OpenOption[] CREATE_NEW_FILE =
            {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path root;
    private final String imageName;
    private final long maxUnpackedBytes;
    private final String limitAdvice;
    private long unpackedBytes;
    /**
     * A layer unpacked on its own into the layer store: its whiteouts have nothing below them
     * yet, so they are recorded (paths relative to the root) for assembly instead of applied.
     */
    private final boolean markers;
    private final List<String> whiteouts = new ArrayList<>();
    private final List<String> opaques = new ArrayList<>();
    /**
     * Hardlinks of this layer to files of lower layers (layer mode only), path to target, both
     * relative: they are made when an image is assembled, where the lower files are (see
     * {@link LayerStore#assemble}). A later entry at the same path, or under it, replaces one.
     */
    private final java.util.Map<String, String> links = new java.util.LinkedHashMap<>();
    /**
     * The tree's entries (the root included) and regular-file bytes (per name, hardlinks too), as
     * {@link LayerStore#fingerprint} would count them, kept while unpacking so a new layer needs
     * no walk; exact until something is deleted (an entry replacing another).
     */
    private long treeEntries = 1;
    private long treeBytes;
    private boolean countsExact = true;

    /** A cap on the bytes an image may unpack to, and what to say (after "more than N, ") when passed. */
    public record Limit(long bytes, String advice) {
    }

    // per layer: what this layer has created, so whiteouts only hide lower layers
    private Set<Path> writtenByLayer = new HashSet<>();
    private String layerDigest = "";
    /**
     * Directories under the root already checked (or made) to be real directories, so that each
     * entry does not lstat every component of its path again (that was the biggest cost of
     * creating a big image's files). Only this unpacker changes the tree while it builds, and
     * it forgets them all whenever it deletes anything, since a deletion is the only way one of
     * them could become a symlink or a file.
     */
    private final Set<Path> knownDirs = new HashSet<>();
    /** File data on its way from the tar to a file (most files fit in one); see {@link #writeFile}. */
    private final byte[] copy = new byte[COPY_BUFFER];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(COPY_BUFFER);

    /**
     * @param root             an existing, empty (or partly built) directory to unpack into
     * @param imageName        for messages: what the user asked for
     * @param maxUnpackedBytes cap on file bytes written for the whole image
     */
    public LayerUnpacker(Path root, String imageName, long maxUnpackedBytes) {
        this(root, imageName, new Limit(maxUnpackedBytes, "the limit; raise image_max_mb in scar.cfg to use it"));
    }

    public LayerUnpacker(Path root, String imageName, Limit limit) {
        this(root, imageName, limit, false);
    }

    private LayerUnpacker(Path root, String imageName, Limit limit, boolean markers) {
        this.root = root.toAbsolutePath().normalize();
        this.imageName = imageName;
        this.maxUnpackedBytes = limit.bytes();
        this.limitAdvice = limit.advice();
        this.markers = markers;
    }

    /**
     * An unpacker for one layer on its own (see {@link LayerStore}): whiteouts and opaque
     * directories are recorded ({@link #whiteouts()}, {@link #opaques()}), not applied.
     * {@code alreadyUnpacked} counts the image's lower layers against the limit.
     */
    static LayerUnpacker forLayer(Path root, String imageName, Limit limit, long alreadyUnpacked) {
        LayerUnpacker unpacker = new LayerUnpacker(root, imageName, limit, true);
        unpacker.unpackedBytes = alreadyUnpacked;
        return unpacker;
    }

    /** Paths (relative, '/'-separated) that this layer hides in lower layers; only in layer mode. */
    List<String> whiteouts() {
        return List.copyOf(whiteouts);
    }

    /** This layer's hardlinks to files of lower layers, in tar order; only in layer mode. */
    List<LayerStore.Link> links() {
        return links.entrySet().stream().map(e -> new LayerStore.Link(e.getKey(), e.getValue())).toList();
    }

    /** {entries, bytes} of the tree as unpacked, or null if they must be counted by a walk. */
    long[] counts() {
        return countsExact ? new long[]{treeEntries, treeBytes} : null;
    }

    /** Directories (relative; "" for the root) whose lower-layer content this layer hides; only in layer mode. */
    List<String> opaques() {
        return List.copyOf(opaques);
    }

    /** File bytes written so far across all layers. */
    public long unpackedBytes() {
        return unpackedBytes;
    }

    /** Applies a layer file (plain, gzip or zstd tar); returns the sha256 of the uncompressed tar (its diff id). */
    public String apply(Path layer, String digest) {
        try (InputStream in = Files.newInputStream(layer)) {
            return apply(in, digest);
        } catch (IOException e) {
            throw corrupt(digest, e);
        }
    }

    /** Applies a layer stream (plain, gzip or zstd tar); returns the sha256 of the uncompressed tar (its diff id). */
    public String apply(InputStream layer, String digest) {
        this.layerDigest = digest;
        this.writtenByLayer = new HashSet<>();
        try {
            MessageDigest diffId = Digests.newSha256();
            // reading, digests and decompression on a second thread; the tar is applied on this one
            try (InputStream plain = new Prefetch(new DigestInputStream(decompress(layer), diffId))) {
                TarArchiveInputStream tar = new TarArchiveInputStream(plain);
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    applyEntry(tar, entry);
                }
                // the diff id covers the whole uncompressed stream, including the end-of-archive padding
                plain.transferTo(OutputStream.nullOutputStream());
            }
            return Digests.of(diffId);
        } catch (IOException e) {
            throw corrupt(digest, e);
        }
    }

    private static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new ZstdCompressorInputStream(in);
        }
        return in;
    }

    private void applyEntry(InputStream data, TarArchiveEntry entry) throws IOException {
        String name = entry.getName();
        List<String> parts = components(name, "entry");
        if (parts.isEmpty()) {
            return; // "./" itself: the root exists already
        }
        String base = parts.get(parts.size() - 1);
        if (base.startsWith(WHITEOUT)) {
            whiteout(name, parts, base);
            return;
        }
        // devices and FIFOs also answer isFile(): test them first. They are never created: an
        // unprivileged container has no use for them and creating them needs root anyway.
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            return;
        }
        Path parent = safeParent(name, parts);
        Path target = parent.resolve(base);
        if (!links.isEmpty()) {
            forgetLinksAt(parts);
        }
        if (entry.isDirectory()) {
            // created first, looked at only if something is there: most directories are new, and
            // looking first cost a NoSuchFileException (a filled-in stack trace) for each of them
            try {
                Files.createDirectory(target); // mkdir: fails on anything there, a symlink included
                treeEntries++;
            } catch (FileAlreadyExistsException e) {
                BasicFileAttributes existing = attributes(target);
                if (existing == null || !existing.isDirectory()) {
                    delete(target);
                    Files.createDirectory(target);
                    treeEntries++;
                }
            }
            knownDirs.add(target);
            // owner keeps rwx on directories so later layers can write and the cache can be deleted
            Files.setPosixFilePermissions(target, permissions(entry.getMode() | 0700));
        } else if (entry.isSymbolicLink()) {
            String link = entry.getLinkName();
            if (link == null || link.isEmpty() || link.indexOf('\0') >= 0) {
                throw unsafe(name, "is a symlink with an empty or invalid target");
            }
            createReplacing(name, target, t -> Files.createSymbolicLink(t, Path.of(link)));
            treeEntries++;
        } else if (entry.isLink()) {
            Path source = hardlinkSource(name, entry.getLinkName());
            if (source == null) {
                deferLink(parts, target, entry.getLinkName());
                return;
            }
            createReplacing(name, target, t -> Files.createLink(t, source));
            treeEntries++;
            treeBytes += Files.size(source);
        } else if (entry.isFile()) {
            writeFile(name, target, data, entry);
        } else {
            return; // other types (e.g. sockets, unknown vendor types) are skipped
        }
        writtenByLayer.add(target);
    }

    private void writeFile(String name, Path target, InputStream data, TarArchiveEntry entry) throws IOException {
        if (unpackedBytes + entry.getSize() > maxUnpackedBytes) {
            throw tooBig();
        }
        // CREATE_NEW + NOFOLLOW: never follows what is at this path (O_EXCL fails on a symlink too)
        SeekableByteChannel[] opened = new SeekableByteChannel[1];
        createReplacing(name, target, t -> opened[0] = Files.newByteChannel(t, CREATE_NEW_FILE));
        try (SeekableByteChannel out = opened[0]) {
            treeEntries++;
            int n;
            while ((n = data.read(copy, 0, copy.length)) > 0) {
                unpackedBytes += n;
                treeBytes += n;
                if (unpackedBytes > maxUnpackedBytes) {
                    throw tooBig();
                }
                // one buffer for all files, and a direct one: a heap buffer would be copied into
                // a temporary direct buffer by the channel on every write
                direct.clear();
                direct.put(copy, 0, n).flip();
                while (direct.hasRemaining()) {
                    out.write(direct);
                }
            }
        }
        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        if (entry.getModTime() != null) {
            // access time too: given only one, the JDK first reads the other (a stat per file). Followed
            // like setLastModifiedTime: the file was just created exclusively in a build nobody else writes
            FileTime time = FileTime.fromMillis(entry.getModTime().getTime());
            Files.getFileAttributeView(target, BasicFileAttributeView.class).setTimes(time, time, null);
        }
    }

    private Path hardlinkSource(String name, String linkName) throws IOException {
        List<String> parts = linkTarget(name, linkName);
        if (parts.isEmpty()) {
            throw unsafe(name, "is a hardlink to the root directory");
        }
        Path parent = existingParent(name, parts);
        Path source = parent == null ? null : parent.resolve(parts.get(parts.size() - 1));
        BasicFileAttributes attrs = source == null ? null : attributes(source);
        if (attrs == null && markers) {
            return null; // not in this layer: a file of a lower layer, checked when an image is assembled
        }
        if (attrs == null) {
            throw unsafe(name, "is a hardlink to '" + Messages.quote(linkName) + "', which does not exist in the image");
        }
        if (!attrs.isRegularFile()) {
            throw unsafe(name, "is a hardlink to '" + Messages.quote(linkName) + "', which is not a regular file");
        }
        return source;
    }

    /**
     * Records a hardlink to a file this layer does not have, for assembly. A link to one of this
     * layer's own deferred links links to its target. Whatever an earlier entry of this layer
     * put at the link's path is replaced, as by any entry.
     */
    private void deferLink(List<String> parts, Path target, String linkName) throws IOException {
        String to = String.join("/", components(linkName, "hardlink target"));
        to = links.getOrDefault(to, to);
        if (attributes(target) != null) {
            delete(target);
        }
        links.put(String.join("/", parts), to);
    }

    /** An entry at {@code parts} replaces a deferred link at that path or at one of its parents. */
    private void forgetLinksAt(List<String> parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (path.length() > 0) {
                path.append('/');
            }
            links.remove(path.append(part).toString());
        }
    }

    private void whiteout(String name, List<String> parts, String base) throws IOException {
        if (markers) {
            String dir = String.join("/", parts.subList(0, parts.size() - 1));
            if (base.equals(OPAQUE)) {
                opaques.add(dir);
                return;
            }
            String hidden = base.substring(WHITEOUT.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.indexOf('/') >= 0) {
                throw unsafe(name, "is a whiteout for an invalid name");
            }
            whiteouts.add(dir.isEmpty() ? hidden : dir + "/" + hidden);
            return;
        }
        Path parent = existingParent(name, parts);
        if (parent == null) {
            return; // nothing below to hide
        }
        if (base.equals(OPAQUE)) {
            clearLower(parent);
            return;
        }
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw unsafe(name, "is a whiteout for an invalid name");
        }
        Path target = parent.resolve(hidden);
        if (!writtenByLayer.contains(target)) {
            delete(target);
        }
    }

    /** Deletes what lower layers put under {@code dir}, keeping what this layer wrote. */
    private void clearLower(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            if (!writtenByLayer.contains(child)) {
                delete(child);
            } else {
                BasicFileAttributes attrs = attributes(child);
                if (attrs != null && attrs.isDirectory()) {
                    clearLower(child);
                }
            }
        }
    }

    /** The parent directory of an entry, creating missing directories; never passes a symlink. */
    private Path safeParent(String name, List<String> parts) throws IOException {
        Path dir = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            dir = dir.resolve(parts.get(i));
            if (knownDirs.contains(dir)) {
                writtenByLayer.add(dir);
                continue;
            }
            BasicFileAttributes attrs = attributes(dir);
            if (attrs == null) {
                Files.createDirectory(dir);
                treeEntries++;
                Files.setPosixFilePermissions(dir, permissions(0755));
            } else if (attrs.isSymbolicLink()) {
                throw unsafe(name, "goes through the symlink '" + Messages.quote(String.join("/", parts.subList(0, i + 1))) + "'");
            } else if (!attrs.isDirectory()) {
                throw unsafe(name, "goes through '" + Messages.quote(String.join("/", parts.subList(0, i + 1))) + "', which is not a directory");
            }
            // an ancestor of this layer's content survives an opaque whiteout of its parent
            writtenByLayer.add(dir);
            knownDirs.add(dir);
        }
        return dir;
    }

    /** Like {@link #safeParent} but creates nothing: null if a parent is missing. */
    private Path existingParent(String name, List<String> parts) throws IOException {
        Path dir = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            dir = dir.resolve(parts.get(i));
            BasicFileAttributes attrs = attributes(dir);
            if (attrs == null) {
                return null;
            }
            if (attrs.isSymbolicLink()) {
                throw unsafe(name, "goes through the symlink '" + Messages.quote(String.join("/", parts.subList(0, i + 1))) + "'");
            }
            if (!attrs.isDirectory()) {
                return null;
            }
        }
        return dir;
    }

    /** The components of a hardlink's target; a bad one is refused naming the entry and the target. */
    private List<String> linkTarget(String name, String linkName) {
        if (linkName != null && linkName.indexOf('\0') < 0) {
            String target = "'" + Messages.quote(linkName) + "'";
            if (linkName.startsWith("/")) {
                throw unsafe(name, "is a hardlink to " + target + ", an absolute path");
            }
            if (java.util.Arrays.asList(linkName.split("/")).contains("..")) {
                throw unsafe(name, "is a hardlink to " + target + ", containing '..'");
            }
        }
        return components(linkName, "hardlink target");
    }

    /** Splits a tar name into components, rejecting absolute names and '..'. */
    private List<String> components(String path, String what) {
        if (path == null || path.indexOf('\0') >= 0) {
            throw unsafe(String.valueOf(path), "has an invalid " + what + " name");
        }
        if (path.startsWith("/")) {
            throw unsafe(path, what.equals("entry") ? "is an absolute path" : "has an absolute " + what);
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw unsafe(path, what.equals("entry") ? "contains '..'" : "has a " + what + " containing '..'");
            }
            parts.add(part);
        }
        return parts;
    }

    private interface Creation {
        void at(Path target) throws IOException;
    }

    /**
     * Creates a file, link or symlink where an entry of a lower layer (or earlier in this one)
     * may be: exclusively, and if something is there (of any type, a symlink included, never
     * followed) deletes it and creates again. Trying first saves an lstat per entry, as most
     * entries are new; what still collides after the deletion was not made by this unpacker.
     */
    private void createReplacing(String name, Path target, Creation creation) throws IOException {
        try {
            creation.at(target);
            return;
        } catch (FileAlreadyExistsException e) {
            delete(target);
        }
        try {
            creation.at(target);
        } catch (FileAlreadyExistsException e) {
            throw unsafe(name, "collides with an entry created while unpacking");
        }
    }

    private void delete(Path p) throws IOException {
        knownDirs.clear();
        countsExact = false;
        deleteTree(p);
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Deletes a file, a symlink (not what it points to) or a directory tree. */
    static void deleteTree(Path p) throws IOException {
        BasicFileAttributes attrs = attributes(p);
        if (attrs == null) {
            return;
        }
        if (attrs.isDirectory()) {
            // a read-only directory cannot be emptied; the owner may always make it writable
            Files.setPosixFilePermissions(p, EnumSet.allOf(PosixFilePermission.class));
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(p)) {
                stream.forEach(children::add);
            }
            for (Path child : children) {
                deleteTree(child);
            }
        }
        Files.deleteIfExists(p);
    }

    /** The permission bits of a tar mode; setuid, setgid and sticky bits are dropped on purpose. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    private ImageException unsafe(String entry, String why) {
        // layers are named by digest; anything else (an archive being loaded) is named by its label
        String where = Digests.isValid(layerDigest) ? "layer " + layerDigest + " in image " + imageName : layerDigest;
        return new ImageException("unsafe " + where + ": entry '" + Messages.quote(entry) + "' " + why + "; refusing to unpack it");
    }

    private ImageException corrupt(String digest, IOException e) {
        String what = Digests.isValid(digest) ? "layer " + digest + " of image " + imageName : digest;
        return new ImageException("cannot unpack " + what + ": "
                + Messages.quote(String.valueOf(e.getMessage())), e);
    }

    private ImageException tooBig() {
        return new ImageException("image " + imageName + " is too big: it unpacks to more than "
                + Messages.bytes(maxUnpackedBytes) + ", " + limitAdvice);
    }
}
