package scar.session;

import scar.config.ConfigFolder;
import scar.config.ScarConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Works out where each effective setting came from: default, scar.cfg or the environment. */
public final class Settings {
    private Settings() {
    }

    public static List<Setting> effective(ConfigFolder folder, ScarConfig config, Map<String, String> environment) {
        Set<String> inFile = keysSetIn(folder);
        List<Setting> settings = new ArrayList<>();
        settings.add(fromFile("target", config.target(), "target", inFile));
        String profile = environment.get("AWS_PROFILE");
        settings.add(profile != null && !profile.isBlank()
                ? new Setting("profile", profile, Setting.Source.ENVIRONMENT)
                : config.profile() != null && !config.profile().isBlank()
                ? new Setting("profile", config.profile(), Setting.Source.CONFIG_FILE)
                : new Setting("profile", "default", Setting.Source.DEFAULT));
        String region = firstSet(environment, "AWS_REGION", "AWS_DEFAULT_REGION");
        settings.add(region != null
                ? new Setting("region", region, Setting.Source.ENVIRONMENT)
                : fromFile("region", config.region(), "lambda_region", inFile));
        settings.add(fromFile("memory", config.memoryMb() + "", "lambda_memory", inFile));
        settings.add(fromFile("time", config.timeoutSeconds() + "", "lambda_time", inFile));
        settings.add(fromFile("timeout_threshold", config.timeoutThresholdSeconds() + "", "lambda_timeout_threshold", inFile));
        settings.add(fromFile("description", config.description(), "lambda_description", inFile));
        settings.add(fromFile("role", config.role().isEmpty() ? "(none)" : config.role(), "lambda_role", inFile));
        String folderVar = environment.get(ConfigFolder.ENV_VAR);
        settings.add(new Setting("config_folder", folder.root().toString(),
                folderVar == null || folderVar.isBlank() ? Setting.Source.DEFAULT : Setting.Source.ENVIRONMENT));
        return settings;
    }

    private static Setting fromFile(String name, String value, String fileKey, Set<String> inFile) {
        return new Setting(name, value, inFile.contains(fileKey) ? Setting.Source.CONFIG_FILE : Setting.Source.DEFAULT);
    }

    private static String firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    /** Keys given a non-blank value in scar.cfg's [scar] section (ConfigLoader has already validated the file). */
    private static Set<String> keysSetIn(ConfigFolder folder) {
        Set<String> keys = new HashSet<>();
        try {
            boolean inScar = false;
            for (String raw : Files.readAllLines(folder.configFile(), StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.startsWith("[")) {
                    inScar = line.equals("[scar]");
                } else if (inScar && !line.startsWith("#") && !line.startsWith(";")) {
                    int equals = line.indexOf('=');
                    if (equals > 0 && !line.substring(equals + 1).isBlank()) {
                        keys.add(line.substring(0, equals).strip());
                    }
                }
            }
        } catch (IOException e) {
            // no file: everything is a default
        }
        return keys;
    }
}
