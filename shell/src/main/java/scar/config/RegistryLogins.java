package scar.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;

import scar.image.RegistryCredential;
import scar.image.RegistryCredentials;

/**
 * Registry logins in scar.cfg, one section per registry, as git writes per-remote sections:
 * <pre>
 * [registry "ghcr.io"]
 * username = alice
 * password = ghp_...
 * </pre>
 * A password is never repeated in a message. These win over {@code ~/.docker/config.json}.
 */
public final class RegistryLogins {
    private static final Pattern SECTION = Pattern.compile("registry\\s+\"([^\"]+)\"");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Set<String> KEYS = Set.of("username", "password");

    private RegistryLogins() {
    }

    /** Reads the registry sections of {@code file}; a missing file has none. */
    public static RegistryCredentials read(Path file) {
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
        } catch (NoSuchFileException e) {
            return RegistryCredentials.none();
        } catch (InvalidFileFormatException e) {
            // ConfigLoader reports the line; nothing more to say here
            return RegistryCredentials.none();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, RegistryCredential> logins = new HashMap<>();
        for (String name : ini.keySet()) {
            if (!name.strip().startsWith("registry")) {
                continue;
            }
            Matcher m = SECTION.matcher(name.strip());
            if (!m.matches() || !HOST.matcher(m.group(1)).matches()) {
                throw new ConfigException(file + ": section [" + safe(name) + "] is not a registry section; write it as"
                        + " [registry \"HOST\"] or [registry \"HOST:PORT\"]");
            }
            String host = m.group(1);
            Profile.Section section = ini.get(name);
            for (String key : section.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new ConfigException(file + ":" + ConfigLoader.lineOf(lines, key) + ": unknown key '" + safe(key)
                            + "' in [registry \"" + host + "\"]; known keys: password, username");
                }
            }
            String user = section.get("username");
            String password = section.get("password");
            if (user == null || user.isBlank() || password == null || password.isBlank()) {
                throw new ConfigException(file + ": [registry \"" + host + "\"] needs both username and password");
            }
            logins.put(RegistryCredentials.normalize(host), new RegistryCredential(user.strip(), password.strip(), file.toString()));
        }
        Map<String, RegistryCredential> found = Map.copyOf(logins);
        return registry -> Optional.ofNullable(found.get(RegistryCredentials.normalize(registry)));
    }

    private static String safe(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
