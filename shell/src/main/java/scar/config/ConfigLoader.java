package scar.config;

import org.ini4j.Profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Reads scar.cfg, creating it with commented defaults on first use. */
public final class ConfigLoader {
    static final String SECTION = "scar";

    private static final Set<String> KNOWN_KEYS = Set.of(
            "target", "lambda_description", "lambda_memory", "lambda_time", "lambda_timeout_threshold",
            "lambda_region", "lambda_role", "batch_concurrency", "log_retention_days", "profile", "endpoint_url",
            RuntimeSettings.IMAGE_MAX_MB, RuntimeSettings.EXECUTOR, RuntimeSettings.CACHE_MAX_MB, LogPollSetting.KEY,
            RuntimeSettings.PROOT_NO_SECCOMP);

    static final String DEFAULT_FILE = """
            # scar configuration. Values given on the command line win over these.
            [scar]
            # Where functions run: local (this machine) or aws (AWS Lambda)
            target = local
            # Description given to new functions
            lambda_description = Automatically generated lambda function
            # Memory of new functions, in MB (128-10240)
            lambda_memory = 128
            # Maximum run time of an invocation, in seconds (1-900)
            lambda_time = 300
            # Seconds before the deadline at which the container is stopped, so output can still be saved
            lambda_timeout_threshold = 10
            # AWS region of the aws target
            lambda_region = us-east-1
            # IAM role ARN that Lambda functions run as (aws target)
            lambda_role =
            # Invocations that run at once in a batch (run -es, put into a bound bucket); 0 = number of cores
            batch_concurrency = 0
            # Days that invocation logs are kept (local: local/logs/, aws: CloudWatch Logs), 1-3650
            log_retention_days = 30
            # How often 'log -f' asks CloudWatch Logs for new lines (aws target), in ms (100-60000)
            log_poll_ms = 1000
            # AWS profile of the aws target (~/.aws/config); empty: AWS_PROFILE or the default chain
            profile =
            # An AWS-compatible endpoint for the aws target, e.g. http://127.0.0.1:5000; empty: AWS_ENDPOINT_URL or AWS
            endpoint_url =
            """;

    private final ConfigFolder folder;

    public ConfigLoader(ConfigFolder folder) {
        this.folder = folder;
    }

    public ScarConfig load() {
        return parse(read());
    }

    /** scar.cfg, parsed; written with commented defaults first when there is none. */
    public ConfigFile read() {
        Path file = folder.configFile();
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, DEFAULT_FILE);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot create " + file + ": " + e.getMessage());
        }
        return ConfigFile.read(file);
    }

    /** The {@code [scar]} section's function and target settings; a broken file is one clear line. */
    public static ScarConfig parse(ConfigFile config) {
        Path file = config.file();
        List<String> lines = config.lines();
        if (config.formatError() != null) {
            throw new ConfigException(file + ": " + config.formatError()
                    + "; fix the line or delete the file to get the defaults back");
        }
        Profile.Section section = config.section(SECTION);
        ScarConfig defaults = ScarConfig.defaults();
        if (section == null) {
            return defaults;
        }
        for (String key : section.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new ConfigException(file + ":" + lineOf(lines, key) + ": unknown key '" + key
                        + "' in [scar]; known keys: " + String.join(", ", KNOWN_KEYS.stream().sorted().toList()));
            }
        }
        var reader = new SectionReader(file, lines, section);
        String target = reader.text("target", defaults.target());
        if (!target.equals("local") && !target.equals("aws")) {
            throw new ConfigException(file + ":" + lineOf(lines, "target") + ": target = '" + target
                    + "' is not a target; use local or aws");
        }
        int retention = reader.number("log_retention_days", defaults.logRetentionDays());
        if (retention < 1 || retention > 3650) {
            throw new ConfigException(file + ":" + lineOf(lines, "log_retention_days") + ": log_retention_days = "
                    + retention + " is out of range; use a number of days from 1 to 3650");
        }
        return new ScarConfig(
                target,
                reader.text("lambda_description", defaults.description()),
                reader.number("lambda_memory", defaults.memoryMb()),
                reader.number("lambda_time", defaults.timeoutSeconds()),
                reader.number("lambda_timeout_threshold", defaults.timeoutThresholdSeconds()),
                reader.text("lambda_region", defaults.region()),
                reader.text("lambda_role", defaults.role()),
                batchConcurrency(reader, file, lines), retention,
                reader.text("profile", defaults.profile()),
                reader.text("endpoint_url", defaults.endpointUrl()));
    }

    private static int batchConcurrency(SectionReader reader, Path file, List<String> lines) {
        int value = reader.number("batch_concurrency", 0);
        if (value < 0 || value > 256) {
            throw new ConfigException(file + ":" + lineOf(lines, "batch_concurrency") + ": batch_concurrency = " + value
                    + " is out of range; use 0 (one per core) to 256");
        }
        return value;
    }

    static int lineOf(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(key) && line.substring(key.length()).strip().matches("^[=:].*")) {
                return i + 1;
            }
        }
        return 0;
    }

    private record SectionReader(Path file, List<String> lines, Profile.Section section) {
        String text(String key, String fallback) {
            String value = section.get(key);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        int number(String key, int fallback) {
            String value = section.get(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(file + ":" + lineOf(lines, key) + ": " + key + " = '" + value.strip()
                        + "' is not a whole number");
            }
        }
    }
}
