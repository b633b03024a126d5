package scar.commands;

import scar.config.ScarConfig;
import scar.session.SessionContext;
import scar.target.Target;

/**
 * What commands share while scar runs: the settings, the session context (target, current
 * function, completion cache) and where to print. One per shell (or per one-shot command); never static.
 */
public final class Session {
    private final ScarConfig config;
    private final SessionContext context;
    private final Console console;

    public Session(ScarConfig config, Target target, Console console) {
        this(config, SessionContext.of(target), console);
    }

    public Session(ScarConfig config, SessionContext context, Console console) {
        this.config = config;
        this.context = context;
        this.console = console;
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
}
