package scar.config;

import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * scar.cfg parsed once per session: {@link ConfigLoader}, {@link RuntimeSettings},
 * {@link RegistryLogins} and {@link LogPollSetting} each read their keys from this instead of
 * loading the INI again (ini4j's first use alone costs ~100 ms of a one-shot command).
 * A file that is not valid INI has no sections and a {@link #formatError()}, which only
 * ConfigLoader reports, so the user sees one line about it, not four.
 */
public final class ConfigFile {
    static {
        // ini4j finds each of its parts as a service: a system property naming the class, else a
        // META-INF/services file looked up in every jar of the class path (about 90 here), which
        // cost a one-shot command ~40 ms before it read a line. Its own classes are the ones meant.
        for (String part : List.of("IniParser", "IniBuilder", "IniFormatter", "BeanTool")) {
            String service = "org.ini4j.spi." + part;
            if (System.getProperty(service) == null) {
                System.setProperty(service, service);
            }
        }
    }

    private final Path file;
    private final List<String> lines;
    private final Ini ini;
    private final String formatError;

    private ConfigFile(Path file, List<String> lines, Ini ini, String formatError) {
        this.file = file;
        this.lines = lines;
        this.ini = ini;
        this.formatError = formatError;
    }

    /** Reads and parses {@code file}; a missing file is an empty one. */
    public static ConfigFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new ConfigFile(file, List.of(), new Ini(), null);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        List<String> lines = text.lines().toList();
        Ini ini = new Ini();
        Config config = Config.getGlobal().clone();
        config.setEscape(false);
        ini.setConfig(config);
        try {
            ini.load(new StringReader(text));
        } catch (InvalidFileFormatException e) {
            return new ConfigFile(file, lines, new Ini(), describeFormatError(e));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        return new ConfigFile(file, lines, ini, null);
    }

    public Path file() {
        return file;
    }

    /** The file's lines, to name the line of a bad value. */
    public List<String> lines() {
        return lines;
    }

    /** A section, or null when the file has none of that name. */
    public Profile.Section section(String name) {
        return ini.get(name);
    }

    public Set<String> sectionNames() {
        return ini.keySet();
    }

    /** What makes the file unreadable as INI ("line N: cannot parse '...'"), or null when it parsed. */
    public String formatError() {
        return formatError;
    }

    private static String describeFormatError(InvalidFileFormatException e) {
        // ini4j reports "parse error (at line: N): TEXT"; keep its line number, drop the noise.
        String message = e.getMessage() == null ? "" : e.getMessage();
        var matcher = java.util.regex.Pattern.compile("line: (\\d+)\\): ?(.*)").matcher(message);
        if (matcher.find()) {
            return "line " + matcher.group(1) + ": cannot parse '" + matcher.group(2).trim() + "'";
        }
        return "not a valid INI file (" + message + ")";
    }
}
