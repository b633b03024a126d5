package scar.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import scar.daemon.DaemonControl;

import java.util.concurrent.Callable;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Show or stop scar's background process, which runs one-shot commands from a warm JVM.",
        footer = {"", "A one-shot 'scar COMMAND' starts it when none runs; it ends after 30 idle minutes",
                "(SCAR_DAEMON_IDLE_SECONDS) or when scar is rebuilt. SCAR_DAEMON=off runs every command in",
                "a JVM of its own.", "",
                "Examples:", "  daemon", "  daemon stop"})
public final class DaemonCommand implements Callable<Integer> {
    enum Action { status, stop }

    @Parameters(arity = "0..1", paramLabel = "ACTION", description = "status (the default) or stop")
    Action action = Action.status;

    private final Session session;

    public DaemonCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.console().println(action == Action.stop ? DaemonControl.stop(session.environment())
                : DaemonControl.status(session.environment()));
        return ExitCodes.OK;
    }
}
