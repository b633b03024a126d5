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
import scar.target.aws.AwsClients;
import scar.target.aws.AwsSettings;
import scar.target.aws.AwsTarget;
import scar.config.ConfigException;

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
        return new Session(config, target(config, folder), console);
    }

    private Target target(ScarConfig config, ConfigFolder folder) {
        if (config.target().equals("aws")) {
            // Clients are made on first use: a session that never calls AWS pays nothing for them.
            AwsSettings settings;
            try {
                settings = AwsSettings.from(config, environment);
            } catch (scar.target.TargetException e) {
                throw new ConfigException(folder.configFile() + ": " + e.getMessage());
            }
            return new AwsTarget(new AwsClients(environment).of(settings), config.role());
        }
        if (!config.target().equals("local")) {
            throw new ConfigException("target '" + config.target() + "' is not available in this version; set target = local in "
                    + folder.configFile());
        }
        var images = new LocalImageStore(folder.imageCache(), new RegistryClient(), MAX_IMAGE_BYTES);
        var supervisor = new Supervisor(images, new ProotExecutor(), folder.localWork());
        return new LocalTarget(new LocalFunctionRepository(folder.localFunctions()), images, supervisor);
    }
}
