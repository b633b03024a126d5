package scar.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return read(ConfigFile.read(file));
    }

    /** Reads the registry sections of a parsed scar.cfg. */
    public static RegistryCredentials read(ConfigFile config) {
        if (config.formatError() != null) {
            return RegistryCredentials.none(); // ConfigLoader reports the line; nothing more to say here
        }
        Path file = config.file();
        List<String> lines = config.lines();
        Map<String, RegistryCredential> logins = new HashMap<>();
        for (String name : config.sectionNames()) {
            if (!name.strip().startsWith("registry")) {
                continue;
            }
            Matcher m = SECTION.matcher(name.strip());
            if (!m.matches() || !HOST.matcher(m.group(1)).matches()) {
                throw new ConfigException(file + ": section [" + safe(name) + "] is not a registry section; write it as"
                        + " [registry \"HOST\"] or [registry \"HOST:PORT\"]");
            }
            String host = m.group(1);
            Profile.Section section = config.section(name);
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
