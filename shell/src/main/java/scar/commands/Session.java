package scar.commands;

import scar.config.ScarConfig;
import scar.session.SessionContext;
import scar.target.Target;

import java.nio.file.Path;
import java.util.Map;

/**
 * What commands share while scar runs: the settings, the session context (target, current
 * function, completion cache) and where to print. One per shell (or per one-shot command); never static.
 */
public final class Session {
    private final ScarConfig config;
    private final SessionContext context;
    private final Console console;
    private final Path workingDirectory;
    private final Map<String, String> environment;

    public Session(ScarConfig config, Target target, Console console) {
        this(config, SessionContext.of(target), console);
    }

    public Session(ScarConfig config, SessionContext context, Console console) {
        this(config, context, console, Path.of("").toAbsolutePath(), System.getenv());
    }

    /**
     * @param workingDirectory what relative paths on a command line are relative to: the folder
     *                         scar was started in, or the caller's, when scar's background process
     *                         runs a one-shot command for it
     * @param environment      the caller's variables (${VAR} in scripts)
     */
    public Session(ScarConfig config, SessionContext context, Console console, Path workingDirectory,
                   Map<String, String> environment) {
        this.config = config;
        this.context = context;
        this.console = console;
        this.workingDirectory = workingDirectory;
        this.environment = environment;
    }

    public ScarConfig config() {
        return config;
    }

    /** The session's current target; it changes with the {@code target} command. */
    public Target target() {
        return context.target();
    }

    public SessionContext context() {
        return context;
    }

    public Console console() {
        return console;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public Map<String, String> environment() {
        return environment;
    }
}
