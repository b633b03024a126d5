package scar.shell;

import scar.commands.Console;
import scar.commands.Session;
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
import scar.target.LocalFunctionRepository;
import scar.target.LocalTarget;
import scar.target.Target;
import scar.config.ConfigException;

import java.nio.file.Path;
import java.util.Map;

/** Wires a session from the environment and scar.cfg: the one place that knows the concrete classes. */
public final class SessionFactory {

    private final Map<String, String> environment;

    public SessionFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    public Session open(Console console) {
        return open(console, false);
    }

    /** @param quiet no progress bars: the command's output is for a program (one-shot {@code --json}) */
    public Session open(Console console, boolean quiet) {
        ConfigFolder folder = ConfigFolder.fromEnvironment(environment);
        ScarConfig config = new ConfigLoader(folder).load();
        return new Session(config, target(config, folder, new PullProgress(console, quiet)), console);
    }

    private Target target(ScarConfig config, ConfigFolder folder, LocalImageStore.Listener progress) {
        if (!config.target().equals("local")) {
            throw new ConfigException("target '" + config.target() + "' is not available in this version; set target = local in "
                    + folder.configFile());
        }
        RuntimeSettings settings = RuntimeSettings.read(folder.configFile());
        var images = new LocalImageStore(folder.imageCache(), new RegistryClient(credentials(folder)),
                settings.imageMaxBytes(), progress);
        var supervisor = new Supervisor(images, executor(settings, folder), folder.localWork());
        return new LocalTarget(new LocalFunctionRepository(folder.localFunctions()), images, supervisor);
    }

    private static ContainerExecutor executor(RuntimeSettings settings, ConfigFolder folder) {
        if (settings.executor().equals("bwrap")) {
            try {
                return new BwrapExecutor();
            } catch (IllegalStateException e) {
                throw new ConfigException(e.getMessage() + " in " + folder.configFile());
            }
        }
        return new ProotExecutor();
    }

    /** scar.cfg's [registry "HOST"] sections, then docker login's; docker's file is read only when a registry asks. */
    private RegistryCredentials credentials(ConfigFolder folder) {
        Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")));
        Path dockerConfig = DockerConfigCredentials.file(environment, home);
        RegistryCredentials docker = registry -> DockerConfigCredentials.load(dockerConfig).find(registry);
        return RegistryLogins.read(folder.configFile()).orElse(docker);
    }
}
