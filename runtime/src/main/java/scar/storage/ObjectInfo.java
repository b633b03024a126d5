package scar.storage;

import java.time.Instant;

/**
 * One stored object, as a listing shows it.
 *
 * @param key          the full key inside its bucket, e.g. {@code input/photos/a.jpg}
 * @param size         bytes
 * @param lastModified when it was last written
 */
public record ObjectInfo(String key, long size, Instant lastModified) {
    /** Identifies this content of the key: a new upload under the same key is a new version. */
    public String version() {
        return size + ":" + lastModified.toEpochMilli();
    }

    /** The last path segment of the key. */
    public String name() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
