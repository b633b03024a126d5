package scar.commands;

/** scar's exit codes in one-shot mode; {@code run} exits with the container's own code instead. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command was understood but failed (unknown function, unreachable registry, ...). */
    public static final int FAILURE = 1;
    /** The command line itself was wrong: unknown option, missing or bad value. */
    public static final int USAGE = 2;
    /** Stopped by Ctrl-C (a batch: what was not run stays pending). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
