package scar.shell;

import scar.commands.Console;
import scar.commands.Session;
import scar.config.ConfigFolder;
import scar.config.ConfigLoader;
import scar.config.ScarConfig;
import scar.exec.ProotExecutor;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;
import scar.invoke.Supervisor;
import scar.logs.LocalLogStore;
import scar.target.LocalFunctionRepository;
import scar.target.LocalTarget;
import scar.target.Target;
import scar.target.aws.AwsClients;
import scar.target.aws.AwsSettings;
import scar.target.aws.AwsTarget;
import scar.config.ConfigException;

import scar.session.SessionContext;
import scar.session.Setting;
import scar.session.Settings;
import scar.session.TargetKey;
import scar.target.TargetException;

import java.nio.file.Path;
import java.util.List;
import java.time.Clock;
import java.util.Map;
import scar.storage.LocalObjectStorage;

/** Wires a session from the environment and scar.cfg: the one place that knows the concrete classes. */
public final class SessionFactory {
    /** Fits Lambda's default 512 MB /tmp, so an image that runs locally also fits there. */
    static final long MAX_IMAGE_BYTES = 512L * 1024 * 1024;

    private final Map<String, String> environment;

    public SessionFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    public Session open(Console console) {
        ConfigFolder folder = ConfigFolder.fromEnvironment(environment);
        ScarConfig config = new ConfigLoader(folder).load();
        List<Setting> settings = Settings.effective(folder, config, environment);
        AwsSettings aws;
        try {
            aws = AwsSettings.from(config, environment);
        } catch (TargetException e) {
            throw new ConfigException(folder.configFile() + ": " + e.getMessage());
        }
        TargetKey startup = config.target().equals("aws") ? new TargetKey("aws", aws.profile(), aws.region())
                : TargetKey.local();
        // One set of AWS clients per session, made on first use: a session that never calls AWS
        // pays nothing for them, and switching profile or region back reuses them.
        AwsClients clients = new AwsClients(environment);
        SessionContext context = new SessionContext(key -> target(key, folder, config, aws, clients), startup,
                folder.completion(), settings);
        context.target(); // fail now, with the config's error, rather than on the first command
        return new Session(config, context, console);
    }

    private static String valueOf(List<Setting> settings, String name) {
        return settings.stream().filter(setting -> setting.name().equals(name)).map(Setting::value).findFirst().orElse(null);
    }

    /** Builds the target of a key; the session calls it lazily, once per key. */
    private static Target target(TargetKey key, ConfigFolder folder, ScarConfig config, AwsSettings aws,
                                 AwsClients clients) {
        if (key.target().equals("aws")) {
            // "default" is what the session shows for no profile: the SDK's own chain then.
            String profile = key.profile() == null || key.profile().equals("default") ? null : key.profile();
            AwsSettings settings = new AwsSettings(profile, key.region(), aws.endpoint());
            return new AwsTarget(clients.of(settings), config.role());
        }
        if (!key.isLocal()) {
            throw new TargetException("target '" + key.target() + "' is not available in this version of scar; "
                    + "use 'target local' or 'target aws'");
        }
        // Built on first use: a listing need not set up the registry client's TLS.
        var images = new scar.target.LazyImageStore(
                () -> new LocalImageStore(folder.imageCache(), new RegistryClient(), MAX_IMAGE_BYTES));
        var logs = new LocalLogStore(folder.localLogs(), Clock.systemUTC(), config.logRetentionDays());
        logs.prune();
        var supervisor = new Supervisor(images, new ProotExecutor(), folder.localWork(), logs);
        Path local = folder.root().resolve("local");
        return new LocalTarget(new LocalFunctionRepository(folder.localFunctions()), images, supervisor,
                new LocalObjectStorage(local.resolve("buckets")), local.resolve("bindings"), local.resolve("ledgers"), logs);
    }
}
