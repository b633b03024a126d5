package scar.shell;

import org.jline.terminal.Terminal;
import scar.commands.Session;

/**
 * Leaving the interactive shell ({@code exit}, Ctrl-D, Ctrl-C at an empty prompt). Runs started
 * with {@code run --async} execute inside scar: leaving without them would lose their end and
 * leave their containers behind. So it says what it waits for and waits; a Ctrl-C meanwhile
 * stops them as it stops a foreground run (their containers killed). Then the session's targets
 * are closed (an aws target's clients too), as one-shot scar closes them.
 */
final class ShellExit {
    private final Session session;
    private final Terminal terminal;

    ShellExit(Session session, Terminal terminal) {
        this.session = session;
        this.terminal = terminal;
    }

    void run() {
        int running = session.context().runningInBackground();
        if (running > 0) {
            session.console().info("waiting for " + running + " running invocation(s); Ctrl-C to stop them");
        }
        Thread waiting = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> waiting.interrupt());
        try {
            session.context().closeTargets();
            session.context().close();
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            Thread.interrupted();
            terminal.writer().flush();
        }
    }
}
