package scar.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A file a container left that scar may take over whole (rename, link, rewrite in place): a
 * regular file no other name links to. A container can link a name of its own to a file of its
 * image (run trees are hardlinked), which must never be written or become an object.
 */
public final class SoleFile {
    private SoleFile() {
    }

    /** The permission bits of {@code file} when it is such a file (links not followed), else empty. */
    public static OptionalInt permissions(Path file) throws IOException {
        var attrs = Files.readAttributes(file, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attrs.get("mode");
        boolean regular = (mode & 0170000) == 0100000;
        return regular && (Integer) attrs.get("nlink") == 1 ? OptionalInt.of(mode & 07777) : OptionalInt.empty();
    }
}
