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
import scar.target.LocalFunctionRepository;
import scar.target.LocalTarget;
import scar.target.Target;
import scar.config.ConfigException;

import scar.session.SessionContext;
import scar.session.Setting;
import scar.session.Settings;
import scar.session.TargetKey;
import scar.target.TargetException;

import java.util.List;
import java.util.Map;

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
        if (!config.target().equals("local")) {
            throw new ConfigException("target '" + config.target() + "' is not available in this version; set target = local in "
                    + folder.configFile());
        }
        List<Setting> settings = Settings.effective(folder, config, environment);
        TargetKey startup = config.target().equals("local") ? TargetKey.local()
                : new TargetKey(config.target(), valueOf(settings, "profile"), valueOf(settings, "region"));
        SessionContext context = new SessionContext(key -> target(key, folder), startup, folder.completion(), settings);
        context.target(); // fail now, with the config's error, rather than on the first command
        return new Session(config, context, console);
    }

    private static String valueOf(List<Setting> settings, String name) {
        return settings.stream().filter(setting -> setting.name().equals(name)).map(Setting::value).findFirst().orElse(null);
    }

    /** Builds the target of a key; the session calls it lazily, once per key. */
    private static Target target(TargetKey key, ConfigFolder folder) {
        if (!key.isLocal()) {
            throw new TargetException("target '" + key.target() + "' is not available in this version of scar; "
                    + "use 'target local'");
        }
        var images = new scar.target.LazyImageStore(
                () -> new LocalImageStore(folder.imageCache(), new RegistryClient(), MAX_IMAGE_BYTES));
        var supervisor = new Supervisor(images, new ProotExecutor(), folder.localWork());
        return new LocalTarget(new LocalFunctionRepository(folder.localFunctions()), images, supervisor);
    }
}
