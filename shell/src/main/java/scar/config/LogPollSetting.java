package scar.config;

import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code log_poll_ms} in scar.cfg's {@code [scar]} section: how often {@code log -f} asks
 * CloudWatch Logs for new events on the aws target (default 1000 ms). Read apart from
 * {@link ScarConfig}, like {@link RuntimeSettings}, so that one target's knob does not widen the
 * function defaults.
 */
public final class LogPollSetting {
    public static final String KEY = "log_poll_ms";
    public static final Duration DEFAULT = Duration.ofSeconds(1);
    /** CloudWatch allows 5 FilterLogEvents a second per account and region: below 100 ms only throttles. */
    static final int MIN_MS = 100;
    static final int MAX_MS = 60_000;

    private LogPollSetting() {
    }

    public static Duration read(Path file) {
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
            return DEFAULT; // ConfigLoader reports a broken file
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Profile.Section section = ini.get(ConfigLoader.SECTION);
        String value = section == null ? null : section.get(KEY);
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        int ms;
        try {
            ms = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < MIN_MS || ms > MAX_MS) {
            throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, KEY) + ": " + KEY + " = '"
                    + value.strip().replaceAll("[^\\x20-\\x7e]", "?") + "' is not a poll interval; use milliseconds from "
                    + MIN_MS + " to " + MAX_MS);
        }
        return Duration.ofMillis(ms);
    }
}
