package scar.storage;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Buckets of objects, the way the runtime and the shell see them. The local target keeps them in
 * folders ({@link LocalObjectStorage}); the aws target in S3. Every implementation validates
 * bucket names ({@link BucketNames}) and keys ({@link ObjectKeys}) and makes writes atomic: a
 * reader sees the old object, the whole new one, or none, never a part.
 */
public interface ObjectStorage {
    /** Creates the bucket if it does not exist. */
    void createBucket(String bucket);

    boolean bucketExists(String bucket);

    /** Makes an empty folder visible under the bucket (S3: a zero-byte {@code folder/} marker). */
    void createFolder(String bucket, String folder);

    /** Every object whose key starts with {@code prefix} (recursively), sorted by key. */
    List<ObjectInfo> list(String bucket, String prefix);

    Optional<ObjectInfo> head(String bucket, String key);

    /** Copies an object to a host file, replacing it atomically; never follows a link at {@code destination}. */
    void get(String bucket, String key, Path destination);

    /**
     * Writes an object's bytes to {@code out}, which the caller owns and closes. For a run's staged
     * input: nobody sees that file before the run starts, so it needs no temporary file and rename,
     * and its inode can be one a previous run left (see WorkDir).
     */
    void read(String bucket, String key, OutputStream out);

    /** Stores a host file as an object, replacing any object of that key. */
    void put(String bucket, String key, Path source);

    /** Stores a host file as an object only if no object has that key; false when one has. */
    boolean putIfAbsent(String bucket, String key, Path source);

    /**
     * {@link #putIfAbsent} for a file nobody uses any more (a finished run's output): it may be
     * moved into the bucket instead of copied, so it may be gone afterwards.
     */
    default boolean moveIfAbsent(String bucket, String key, Path source) {
        return putIfAbsent(bucket, key, source);
    }

    /** Deletes an object; false when there was none. */
    boolean delete(String bucket, String key);

    /** The names of the buckets, sorted (for TAB). */
    List<String> buckets();

    /**
     * One level of a bucket, like a directory listing, for TAB: the keys and the folders (ending
     * in '/') directly under the folder part of {@code prefix} that start with {@code prefix},
     * sorted, at most {@code max}. {@code children(b, "input/ph", n)} may give
     * {@code input/photo.jpg} and {@code input/photos/}.
     */
    List<String> children(String bucket, String prefix, int max);
}
