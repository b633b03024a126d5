package scar.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Buckets as folders: {@code root/NAME/KEY}. Objects are regular files; a write goes to a
 * temporary file beside the target and is renamed into place, so a half-written object is never
 * visible. Links inside a bucket are neither listed nor followed, whoever planted them.
 */
public final class LocalObjectStorage implements ObjectStorage {
    private static final Set<java.nio.file.attribute.PosixFilePermission> OBJECT_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
    private final Path root;

    /** @param root the folder holding one folder per bucket ({@code $SCAR_CONFIG_FOLDER/local/buckets}) */
    public LocalObjectStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The host folder of a bucket, for tools that work on the local target only (the watcher, tests). */
    public Path bucketPath(String bucket) {
        return root.resolve(BucketNames.require(bucket));
    }

    @Override
    public void createBucket(String bucket) {
        Path dir = bucketPath(bucket);
        try {
            Files.createDirectories(root);
            if (Files.isSymbolicLink(dir)) {
                throw new StorageException("bucket folder " + dir + " is a link; remove it");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create bucket " + bucket + " at " + dir + ": " + reason(e), e);
        }
    }

    @Override
    public boolean bucketExists(String bucket) {
        return Files.isDirectory(bucketPath(bucket), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void createFolder(String bucket, String folder) {
        String clean = ObjectKeys.requirePrefix(folder);
        Path dir = existingBucket(bucket);
        if (clean.isEmpty()) {
            return;
        }
        createParents(dir, stripSlash(clean) + "/x");
    }

    @Override
    public List<ObjectInfo> list(String bucket, String prefix) {
        String clean = ObjectKeys.requirePrefix(prefix == null ? "" : prefix);
        Path dir = existingBucket(bucket);
        // Walk only the folder the prefix names, when it names one; then filter by the exact prefix.
        String folder = clean.contains("/") ? clean.substring(0, clean.lastIndexOf('/')) : "";
        Path start = folder.isEmpty() ? dir : dir.resolve(folder);
        if (!folder.isEmpty() && !noLinksBelow(dir, folder)) {
            return List.of();
        }
        List<ObjectInfo> objects = new ArrayList<>();
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return objects;
        }
        // Files.walk does not follow links by default: a link to a folder is neither listed nor entered.
        try (Stream<Path> files = Files.walk(start)) {
            files.forEach(file -> {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    return; // removed while we looked
                }
                if (!attrs.isRegularFile() || file.getFileName().toString().startsWith(ObjectKeys.TEMP_PREFIX)) {
                    return;
                }
                String key = keyOf(dir, file);
                if (key.startsWith(clean) && ObjectKeys.isValid(key)) {
                    objects.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot list bucket " + bucket + ": " + e.getMessage(), e);
        }
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    @Override
    public List<String> buckets() {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                // a folder someone made by hand with a name S3 would refuse is not a bucket
                if (BucketNames.isValid(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot list buckets in " + root + ": " + e.getMessage(), e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    @Override
    public List<String> children(String bucket, String prefix, int max) {
        String clean = prefix == null ? "" : prefix;
        int slash = clean.lastIndexOf('/');
        String folder = slash < 0 ? "" : clean.substring(0, slash);
        String start = clean.substring(slash + 1);
        if (!folder.isEmpty()) {
            ObjectKeys.requirePrefix(folder);
        }
        Path dir = existingBucket(bucket);
        Path where = folder.isEmpty() ? dir : dir.resolve(folder);
        List<String> result = new ArrayList<>();
        if (!folder.isEmpty() && (!noLinksBelow(dir, folder + "/x") || !Files.isDirectory(where, LinkOption.NOFOLLOW_LINKS))) {
            return result;
        }
        String base = folder.isEmpty() ? "" : folder + "/";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(where)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(start) || name.startsWith(ObjectKeys.TEMP_PREFIX)
                        || !ObjectKeys.isValid(base + name)) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // removed while we looked
                }
                if (attrs.isDirectory()) {
                    result.add(base + name + "/");
                } else if (attrs.isRegularFile()) {
                    result.add(base + name);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot list bucket " + bucket + ": " + e.getMessage(), e);
        }
        result.sort(Comparator.naturalOrder());
        return result.size() > max ? List.copyOf(result.subList(0, max)) : result;
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        ObjectKeys.require(key);
        Path dir = existingBucket(bucket);
        if (!noLinksBelow(dir, key)) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(dir.resolve(key), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attrs.isRegularFile()
                    ? Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void get(String bucket, String key, Path destination) {
        Uninterrupted.call(() -> {
            download(bucket, key, destination);
            return null;
        });
    }

    @Override
    public void read(String bucket, String key, OutputStream out) {
        Uninterrupted.call(() -> {
            Path file = existingObject(bucket, key);
            try (InputStream in = openNoFollow(file)) {
                in.transferTo(out);
            } catch (NoSuchFileException e) {
                throw new StorageException("object " + key + " not found in bucket " + bucket, e);
            } catch (IOException e) {
                throw new StorageException("cannot read " + key + " of bucket " + bucket + ": " + reason(e), e);
            }
            return null;
        });
    }

    private Path existingObject(String bucket, String key) {
        ObjectKeys.require(key);
        Path dir = existingBucket(bucket);
        Path file = dir.resolve(key);
        if (!noLinksBelow(dir, key) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new StorageException("object " + key + " not found in bucket " + bucket + "; 'ls -b " + bucket + "' lists its keys");
        }
        return file;
    }

    private void download(String bucket, String key, Path destination) {
        Path file = existingObject(bucket, key);
        Path parent = destination.toAbsolutePath().getParent();
        Path temp = parent.resolve(ObjectKeys.TEMP_PREFIX + UUID.randomUUID());
        InputStream in;
        try {
            in = openNoFollow(file);
        } catch (NoSuchFileException e) {
            throw new StorageException("object " + key + " not found in bucket " + bucket, e);
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + " of bucket " + bucket + ": " + reason(e), e);
        }
        // the destination's failures apart: a folder that cannot hold the file is no missing object
        try (in; OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        } catch (IOException e) {
            deleteQuietly(temp);
            // the temporary file's name means nothing to the user: its folder does
            String why = e instanceof java.nio.file.FileSystemException fs && temp.toString().equals(fs.getFile())
                    ? "cannot create a file in " + parent : reason(e);
            throw new StorageException("cannot download " + key + " to " + destination + ": " + why
                    + "; give a path in a folder you can write to", e);
        }
        try {
            // A rename replaces a link at the destination instead of writing through it.
            moveIntoPlace(temp, destination.toAbsolutePath());
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageException("cannot write " + destination + ": " + reason(e), e);
        }
    }

    @Override
    public void put(String bucket, String key, Path source) {
        Uninterrupted.call(() -> write(bucket, key, source, true));
    }

    @Override
    public boolean putIfAbsent(String bucket, String key, Path source) {
        return Uninterrupted.call(() -> write(bucket, key, source, false));
    }

    /**
     * Links the file into the bucket and drops its old name: no copy, no new inode. Only a
     * {@link SoleFile} is moved, and it gets an object's usual mode; anything else is copied.
     */
    @Override
    public boolean moveIfAbsent(String bucket, String key, Path source) {
        return Uninterrupted.call(() -> {
            ObjectKeys.require(key);
            Path dir = existingBucket(bucket);
            try {
                OptionalInt mode = SoleFile.permissions(source);
                if (mode.isEmpty()) {
                    return write(bucket, key, source, false);
                }
                Path target = createParents(dir, key);
                if (mode.getAsInt() != 0644) {
                    Files.setPosixFilePermissions(source, OBJECT_MODE);
                }
                try {
                    Files.createLink(target, source);
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (IOException e) {
                    return write(bucket, key, source, false); // another filesystem, or links refused
                }
                deleteQuietly(source);
                return true;
            } catch (IOException e) {
                throw new StorageException("cannot store " + key + " in bucket " + bucket + ": " + reason(e), e);
            }
        });
    }

    @Override
    public boolean delete(String bucket, String key) {
        ObjectKeys.require(key);
        Path dir = existingBucket(bucket);
        if (!noLinksBelow(dir, key) || !Files.isRegularFile(dir.resolve(key), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.deleteIfExists(dir.resolve(key));
        } catch (IOException e) {
            throw new StorageException("cannot delete " + key + " from bucket " + bucket + ": " + reason(e), e);
        }
    }

    private boolean write(String bucket, String key, Path source, boolean replace) {
        ObjectKeys.require(key);
        Path dir = existingBucket(bucket);
        Path target = createParents(dir, key);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StorageException("cannot store " + key + " in bucket " + bucket + ": it is a folder of other objects");
        }
        Path temp = target.resolveSibling(ObjectKeys.TEMP_PREFIX + UUID.randomUUID());
        try (InputStream in = openNoFollow(source);
             OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        } catch (NoSuchFileException e) {
            deleteQuietly(temp);
            throw new StorageException("cannot upload " + source + ": no such file", e);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageException("cannot upload " + source + " as " + key + ": " + reason(e), e);
        }
        try {
            if (replace) {
                moveIntoPlace(temp, target);
                return true;
            }
            // A hard link is made atomically and fails if the name is taken: no check-then-write race.
            try {
                Files.createLink(target, temp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                deleteQuietly(temp);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageException("cannot store " + key + " in bucket " + bucket + ": " + reason(e), e);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException(target + " is a folder", e);
        }
    }

    /** Creates the folders of a key's parents, refusing to go through links or files; returns the key's path. */
    private static Path createParents(Path dir, String key) {
        Path current = dir;
        String[] segments = key.split("/");
        try {
            for (int i = 0; i < segments.length - 1; i++) {
                current = current.resolve(segments[i]);
                BasicFileAttributes attrs = attributes(current);
                if (attrs == null) {
                    try {
                        Files.createDirectory(current);
                        continue;
                    } catch (FileAlreadyExistsException raced) {
                        attrs = attributes(current); // another writer made it first
                    }
                }
                String above = String.join("/", List.of(segments).subList(0, i + 1));
                if (attrs == null || attrs.isSymbolicLink()) {
                    throw new StorageException("cannot store " + key + ": " + above + " is a link in the bucket's folder; remove it");
                }
                if (!attrs.isDirectory()) {
                    throw new StorageException("cannot store " + key + ": " + above + " is an object, not a folder");
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot store " + key + ": " + reason(e), e);
        }
        return current.resolve(segments[segments.length - 1]);
    }

    /** One lstat: null when nothing is there. */
    private static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** True when no parent folder of the key is a link (a final link is checked by the caller). */
    private static boolean noLinksBelow(Path dir, String key) {
        Path current = dir;
        String[] segments = key.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            current = current.resolve(segments[i]);
            if (Files.isSymbolicLink(current)) {
                return false;
            }
        }
        return true;
    }

    private Path existingBucket(String bucket) {
        Path dir = bucketPath(bucket);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new StorageException("bucket " + bucket + " not found; create it with 'init ... -es " + bucket + "'");
        }
        return dir;
    }

    private static String keyOf(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static InputStream openNoFollow(Path file) throws IOException {
        // O_NOFOLLOW: a link swapped in after any check is refused, not followed.
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        return Channels.newInputStream(channel);
    }

    private static String stripSlash(String prefix) {
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is never listed
        }
    }

    /** Why an operation on a path failed, in words, for a message that already names the operation. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a file is in the way at " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
