package scar.config;

import org.ini4j.Profile;

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
        return read(ConfigFile.read(file));
    }

    public static Duration read(ConfigFile config) {
        if (config.formatError() != null) {
            return DEFAULT; // ConfigLoader reports a broken file
        }
        Path file = config.file();
        List<String> lines = config.lines();
        Profile.Section section = config.section(ConfigLoader.SECTION);
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
