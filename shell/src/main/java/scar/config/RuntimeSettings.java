package scar.config;

import java.nio.file.Path;
import java.util.List;

import org.ini4j.Profile;

/**
 * The local runtime's settings in scar.cfg's {@code [scar]} section, read apart from
 * {@link ScarConfig} so that the runtime's knobs do not widen the function defaults:
 * {@code image_max_mb}, the largest unpacked image (default 512, Lambda's default /tmp), and
 * {@code executor}, what runs containers locally: {@code proot} (default), {@code bwrap} or {@code chroot} (root only), and
 * {@code cache_max_mb}, the most the image cache (images and run trees) may take before
 * least-recently-used images are evicted (default 512: the cache must fit Lambda's default /tmp;
 * an image can be at most the smaller of the two), and {@code proot_no_seccomp}: {@code true}
 * runs proot with its seccomp acceleration off from the start (default {@code false}: on, and
 * turned off for the rest of the session when proot fails because of it).
 */
public record RuntimeSettings(long imageMaxBytes, String executor, long cacheMaxBytes, boolean prootNoSeccomp) {
    public static final String CACHE_MAX_MB = "cache_max_mb";
    public static final String PROOT_NO_SECCOMP = "proot_no_seccomp";
    static final int DEFAULT_CACHE_MAX_MB = 512;

    public RuntimeSettings(long imageMaxBytes, String executor, long cacheMaxBytes) {
        this(imageMaxBytes, executor, cacheMaxBytes, false);
    }

    public RuntimeSettings(long imageMaxBytes, String executor) {
        this(imageMaxBytes, executor, DEFAULT_CACHE_MAX_MB * 1024L * 1024L);
    }

    public static final String IMAGE_MAX_MB = "image_max_mb";
    public static final String EXECUTOR = "executor";
    private static final java.util.Set<String> EXECUTORS = java.util.Set.of("proot", "bwrap", "chroot");
    static final int DEFAULT_IMAGE_MAX_MB = 512;
    private static final int MAX_IMAGE_MAX_MB = 1 << 20;

    public static RuntimeSettings read(Path file) {
        return read(ConfigFile.read(file));
    }

    public static RuntimeSettings read(ConfigFile config) {
        if (config.formatError() != null) {
            return defaults(); // ConfigLoader reports a broken file
        }
        Path file = config.file();
        List<String> lines = config.lines();
        Profile.Section section = config.section(ConfigLoader.SECTION);
        String executor = section == null ? null : section.get(EXECUTOR);
        executor = executor == null || executor.isBlank() ? "proot" : executor.strip();
        if (!EXECUTORS.contains(executor)) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, EXECUTOR) + ": executor = '"
                    + executor.replaceAll("[^\\x20-\\x7e]", "?") + "' is not an executor; use proot, bwrap or chroot");
        }
        long image = megabytes(file, lines, section, IMAGE_MAX_MB, DEFAULT_IMAGE_MAX_MB);
        long cache = megabytes(file, lines, section, CACHE_MAX_MB, DEFAULT_CACHE_MAX_MB);
        String noSeccomp = section == null ? null : section.get(PROOT_NO_SECCOMP);
        noSeccomp = noSeccomp == null || noSeccomp.isBlank() ? "false" : noSeccomp.strip();
        if (!noSeccomp.equals("true") && !noSeccomp.equals("false")) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, PROOT_NO_SECCOMP) + ": " + PROOT_NO_SECCOMP
                    + " = '" + noSeccomp.replaceAll("[^\\x20-\\x7e]", "?") + "' is not true or false; use true or false");
        }
        return new RuntimeSettings(image, executor, cache, noSeccomp.equals("true"));
    }

    private static long megabytes(Path file, List<String> lines, Profile.Section section, String key, int defaultMb) {
        String value = section == null ? null : section.get(key);
        if (value == null || value.isBlank()) {
            return defaultMb * 1024L * 1024L;
        }
        int mb;
        try {
            mb = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            mb = -1;
        }
        if (mb < 1 || mb > MAX_IMAGE_MAX_MB) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, key) + ": " + key + " = '"
                    + value.strip().replaceAll("[^\\x20-\\x7e]", "?") + "' is not a size in MB; use a whole number from 1 to "
                    + MAX_IMAGE_MAX_MB);
        }
        return mb * 1024L * 1024L;
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(DEFAULT_IMAGE_MAX_MB * 1024L * 1024L, "proot");
    }
}
