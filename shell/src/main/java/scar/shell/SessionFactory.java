package scar.shell;

import scar.commands.Console;
import scar.commands.Session;
import scar.config.ConfigFile;
import scar.config.ConfigFolder;
import scar.config.ConfigLoader;
import scar.config.ScarConfig;
import scar.exec.ProotExecutor;
import scar.image.LocalImageStore;
import scar.image.DockerConfigCredentials;
import scar.image.RegistryClient;
import scar.image.RegistryCredentials;
import scar.config.RegistryLogins;
import scar.config.RuntimeSettings;
import scar.exec.BwrapExecutor;
import scar.exec.ContainerExecutor;
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

    private final Map<String, String> environment;
    private final Path workingDirectory;

    public SessionFactory(Map<String, String> environment) {
        this(environment, Path.of("").toAbsolutePath());
    }

    /** @param workingDirectory the caller's folder: a relative SCAR_CONFIG_FOLDER and paths on command lines start there */
    public SessionFactory(Map<String, String> environment, Path workingDirectory) {
        this.environment = withAbsoluteConfigFolder(environment, workingDirectory);
        this.workingDirectory = workingDirectory;
    }

    private static Map<String, String> withAbsoluteConfigFolder(Map<String, String> environment, Path workingDirectory) {
        String folder = environment.get(ConfigFolder.ENV_VAR);
        if (folder == null || folder.isBlank() || Path.of(folder).isAbsolute()) {
            return environment;
        }
        Map<String, String> resolved = new java.util.HashMap<>(environment);
        resolved.put(ConfigFolder.ENV_VAR, workingDirectory.resolve(folder).toString());
        return Map.copyOf(resolved);
    }

    public Session open(Console console) {
        return open(console, false);
    }

    /** @param quiet no progress bars: the command's output is for a program (one-shot {@code --json}) */
    public Session open(Console console, boolean quiet) {
        ConfigFolder folder = ConfigFolder.fromEnvironment(environment);
        ConfigFile file = new ConfigLoader(folder).read(); // parsed once: every reader below takes it
        ScarConfig config = ConfigLoader.parse(file);
        List<Setting> settings = Settings.effective(folder, config, environment);
        AwsSettings aws = awsSettings(folder, config);
        TargetKey startup = config.target().equals("aws") ? new TargetKey("aws", aws.profile(), aws.region())
                : TargetKey.local();
        // One set of AWS clients per session, made on first use: a session that never calls AWS
        // pays nothing for them, and switching profile or region back reuses them.
        AwsClients clients = new AwsClients(environment);
        var progress = new PullProgress(console, quiet);
        SessionContext context = new SessionContext(key -> target(key, folder, file, config, aws, clients, progress), startup,
                folder.completion(), settings);
        context.target(); // fail now, with the config's error, rather than on the first command
        return new Session(config, context, console, workingDirectory, environment);
    }

    /**
     * Everything in scar.cfg that opening a session would refuse, checked without opening one:
     * the interactive shell calls this before Spring starts, so a broken file is one line there
     * too, and the session Spring then opens is the only one.
     */
    public void checkConfig() {
        ConfigFolder folder = ConfigFolder.fromEnvironment(environment);
        ConfigFile file = new ConfigLoader(folder).read();
        ScarConfig config = ConfigLoader.parse(file);
        awsSettings(folder, config);
        scar.config.LogPollSetting.read(file);
        RegistryLogins.read(file);
        RuntimeSettings runtime = RuntimeSettings.read(file);
        if (!runtime.executor().equals("proot")) {
            executor(runtime, folder); // bwrap or chroot missing or not allowed here: say so now
        }
    }

    private AwsSettings awsSettings(ConfigFolder folder, ScarConfig config) {
        try {
            return AwsSettings.from(config, environment);
        } catch (TargetException e) {
            throw new ConfigException(folder.configFile() + ": " + e.getMessage());
        }
    }

    /** Builds the target of a key; the session calls it lazily, once per key. */
    private Target target(TargetKey key, ConfigFolder folder, ConfigFile file, ScarConfig config, AwsSettings aws,
                          AwsClients clients, LocalImageStore.Listener progress) {
        if (key.target().equals("aws")) {
            // "default" is what the session shows for no profile: the SDK's own chain then.
            String profile = key.profile() == null || key.profile().equals("default") ? null : key.profile();
            AwsSettings settings = new AwsSettings(profile, key.region(), aws.endpoint());
            return new AwsTarget(clients.of(settings), config.role(), scar.config.LogPollSetting.read(file),
                    ref -> new RegistryClient(credentials(file)).resolve(ref).id());
        }
        if (!key.isLocal()) {
            throw new TargetException("target '" + key.target() + "' is not available in this version of scar; "
                    + "use 'target local' or 'target aws'");
        }
        RuntimeSettings runtime = RuntimeSettings.read(file);
        // Read now, so a mistake in a [registry] section is reported when the session opens.
        RegistryCredentials credentials = credentials(file);
        // Built on first use: a listing need not set up the registry client's TLS.
        var images = new scar.target.LazyImageStore(() -> new LocalImageStore(folder.imageCache(),
                new RegistryClient(credentials), runtime.imageMaxBytes(), runtime.cacheMaxBytes(), progress,
                java.time.Duration.ofHours(6)));
        var logs = new LocalLogStore(folder.localLogs(), Clock.systemUTC(), config.logRetentionDays());
        logs.pruneOncePerDay();
        var supervisor = new Supervisor(images, executor(runtime, folder), folder.localWork(), logs);
        Path local = folder.root().resolve("local");
        return new LocalTarget(new LocalFunctionRepository(folder.localFunctions()), images, supervisor,
                new LocalObjectStorage(local.resolve("buckets")), local.resolve("bindings"), local.resolve("ledgers"), logs);
    }

    private static ContainerExecutor executor(RuntimeSettings settings, ConfigFolder folder) {
        if (settings.executor().equals("chroot")) {
            try {
                return new scar.exec.ChrootExecutor();
            } catch (IllegalStateException e) {
                throw new ConfigException(e.getMessage() + " in " + folder.configFile());
            }
        }
        if (settings.executor().equals("bwrap")) {
            try {
                return new BwrapExecutor();
            } catch (IllegalStateException e) {
                throw new ConfigException(e.getMessage() + " in " + folder.configFile());
            }
        }
        ProotExecutor proot = new ProotExecutor();
        return settings.prootNoSeccomp() ? proot.withoutSeccomp() : proot;
    }

    /** scar.cfg's [registry "HOST"] sections, then docker login's; docker's file is read only when a registry asks. */
    private RegistryCredentials credentials(ConfigFile file) {
        Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")));
        Path dockerConfig = DockerConfigCredentials.file(environment, home);
        RegistryCredentials docker = registry -> DockerConfigCredentials.load(dockerConfig).find(registry);
        return RegistryLogins.read(file).orElse(docker);
    }
}
