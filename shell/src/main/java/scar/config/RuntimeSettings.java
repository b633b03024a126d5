package scar.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;

/**
 * The local runtime's settings in scar.cfg's {@code [scar]} section, read apart from
 * {@link ScarConfig} so that the runtime's knobs do not widen the function defaults:
 * {@code image_max_mb}, the largest unpacked image (default 512, Lambda's default /tmp), and
 * {@code executor}, what runs containers locally: {@code proot} (default) or {@code bwrap}.
 */
public record RuntimeSettings(long imageMaxBytes, String executor) {
    public static final String IMAGE_MAX_MB = "image_max_mb";
    public static final String EXECUTOR = "executor";
    private static final java.util.Set<String> EXECUTORS = java.util.Set.of("proot", "bwrap");
    static final int DEFAULT_IMAGE_MAX_MB = 512;
    private static final int MAX_IMAGE_MAX_MB = 1 << 20;

    public static RuntimeSettings read(Path file) {
        List<String> lines;
        Ini ini = new Ini();
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Config config = Config.getGlobal().clone();
            config.setEscape(false);
            ini.setConfig(config);
            try (Reader reader = Files.newBufferedReader(file)) {
                ini.load(reader);
            }
        } catch (NoSuchFileException | InvalidFileFormatException e) {
            return defaults(); // ConfigLoader reports a broken file
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Profile.Section section = ini.get(ConfigLoader.SECTION);
        String executor = section == null ? null : section.get(EXECUTOR);
        executor = executor == null || executor.isBlank() ? "proot" : executor.strip();
        if (!EXECUTORS.contains(executor)) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, EXECUTOR) + ": executor = '"
                    + executor.replaceAll("[^\\x20-\\x7e]", "?") + "' is not an executor; use proot or bwrap");
        }
        String value = section == null ? null : section.get(IMAGE_MAX_MB);
        if (value == null || value.isBlank()) {
            return new RuntimeSettings(defaults().imageMaxBytes(), executor);
        }
        int mb;
        try {
            mb = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            mb = -1;
        }
        if (mb < 1 || mb > MAX_IMAGE_MAX_MB) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, IMAGE_MAX_MB) + ": " + IMAGE_MAX_MB + " = '"
                    + value.strip().replaceAll("[^\\x20-\\x7e]", "?") + "' is not a size in MB; use a whole number from 1 to "
                    + MAX_IMAGE_MAX_MB);
        }
        return new RuntimeSettings(mb * 1024L * 1024L, executor);
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(DEFAULT_IMAGE_MAX_MB * 1024L * 1024L, "proot");
    }
}
