package scar.storage;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What tells whether a file changed without reading it again: its inode, modification time and
 * size. scar replaces its documents by rename or link (a new inode), never writes them in place.
 */
public record FileVersion(Object key, FileTime modified, long size) {
    public static FileVersion of(BasicFileAttributes attributes) {
        return new FileVersion(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
    }

    /** Written out, not a record's own equals: a lookup makes this check for every listed file. */
    public boolean matches(BasicFileAttributes attributes) {
        return Objects.equals(key, attributes.fileKey()) && modified.equals(attributes.lastModifiedTime())
                && size == attributes.size();
    }
}
