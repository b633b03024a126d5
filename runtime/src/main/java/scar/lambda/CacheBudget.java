package scar.lambda;

import scar.invoke.InvocationException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How much of Lambda's {@code /tmp} the image cache may take. {@code /tmp} is a filesystem of its
 * own there, 512 MB unless the function was given more ephemeral storage (up to 10 GB), and it
 * also holds every run's work directory ({@code /tmp/$REQUEST_ID}: the script, staged input,
 * output). So by default the cache gets the filesystem less a reserve for the work directories;
 * {@value #ENV} in the function's environment ({@code init -e SCAR_CACHE_MAX_MB=2048}) overrides it.
 *
 * @param maxBytes cap on the image cache (images and run trees)
 * @param setting  where the cap comes from, for the message when an image does not fit
 */
record CacheBudget(long maxBytes, String setting) {
    static final String ENV = "SCAR_CACHE_MAX_MB";
    private static final long MB = 1024L * 1024;
    /** Room kept for work directories: an eighth of /tmp, at least 64 MB, at most 1 GB. */
    static final long MIN_RESERVE = 64 * MB;
    static final long MAX_RESERVE = 1024 * MB;
    /** Below this the cache could not hold even a small image; it is the floor of the default. */
    static final long MIN_DEFAULT = 32 * MB;
    /** The most {@value #ENV} may say: 1 TB, far above any Lambda /tmp, small enough never to overflow. */
    private static final long MAX_SETTING_MB = 1024L * 1024;

    /** The budget for a cache in {@code cacheDir} (which exists), from the environment or the filesystem. */
    static CacheBudget of(Map<String, String> environment, Path cacheDir) {
        String configured = environment.get(ENV);
        if (configured != null && !configured.isBlank()) {
            return new CacheBudget(parseMegabytes(configured) * MB, ENV + " in the function's environment");
        }
        try {
            FileStore store = Files.getFileStore(cacheDir);
            long cached = treeBytes(cacheDir);
            return new CacheBudget(fitting(store.getTotalSpace(), store.getUsableSpace(), cached),
                    ENV + " in the function's environment (init -e " + ENV + "=MB; the default is what fits in /tmp)");
        } catch (IOException e) {
            throw new InvocationException("cannot measure the free space for the image cache " + cacheDir + ": " + e.getMessage());
        }
    }

    /**
     * What the cache may take on a filesystem of {@code total} bytes with {@code usable} free, when
     * the cache already holds {@code cached} (a warm instance's, or a previous handler's, which it
     * may keep or evict): all of it that is free or the cache's, less the reserve.
     */
    static long fitting(long total, long usable, long cached) {
        long reserve = Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, total / 8));
        long available = Math.min(total, usable + cached);
        return Math.max(MIN_DEFAULT, available - reserve);
    }

    private static long parseMegabytes(String value) {
        long mb;
        try {
            mb = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            mb = -1;
        }
        if (mb < 1 || mb > MAX_SETTING_MB) {
            throw new InvocationException("invalid " + ENV + " '" + scar.image.Messages.quote(value)
                    + "' in the function's environment: give the image cache's size in MB, a whole number from 1 to "
                    + MAX_SETTING_MB);
        }
        return mb;
    }

    private static long treeBytes(Path dir) {
        long[] total = {0};
        try (var files = Files.walk(dir)) {
            files.forEach(p -> {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        total[0] += Files.size(p);
                    }
                } catch (IOException e) {
                    // vanished while walking
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // an unreadable cache counts as empty: the default is then only smaller
        }
        return total[0];
    }
}
