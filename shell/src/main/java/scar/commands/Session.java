package scar.commands;

import scar.config.ScarConfig;
import scar.target.Target;

/**
 * What commands share while scar runs: the settings, the target and where to print.
 * One per shell (or per one-shot command); never static.
 */
public final class Session {
    private final ScarConfig config;
    private final Target target;
    private final Console console;

    public Session(ScarConfig config, Target target, Console console) {
        this.config = config;
        this.target = target;
        this.console = console;
    }

    public ScarConfig config() {
        return config;
    }

    public Target target() {
        return target;
    }

    public Console console() {
        return console;
    }
}
