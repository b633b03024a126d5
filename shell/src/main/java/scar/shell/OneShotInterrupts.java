package scar.shell;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C in one-shot mode, as the shell does it: the first SIGINT stops the command, so
 * {@code log -f} ends cleanly with exit 0 and a running container is killed rather than left
 * behind (proot runs in its own session, so the JVM's default exit would orphan it). A command
 * that does not end within a grace period, or a second Ctrl-C, ends scar with 130 as before.
 * Both a one-shot scar process and the client of scar's background process (which passes the
 * Ctrl-C on) take it so; anonymous classes, not lambdas: the client's first lambda would cost
 * it the set-up of method handles (~20 ms).
 */
public final class OneShotInterrupts {
    private static final long GRACE_MILLIS = 3000;

    private OneShotInterrupts() {
    }

    /** @param stopCommand what the first Ctrl-C does: interrupt the command, or ask for that */
    public static void install(Runnable stopCommand) {
        AtomicBoolean interrupted = new AtomicBoolean();
        try {
            Signal.handle(new Signal("INT"), new sun.misc.SignalHandler() {
                @Override
                public void handle(Signal signal) {
                    if (interrupted.getAndSet(true)) {
                        Runtime.getRuntime().halt(130);
                    }
                    stopCommand.run();
                    Thread grace = new Thread("scar-sigint-grace") {
                        @Override
                        public void run() {
                            try {
                                Thread.sleep(GRACE_MILLIS);
                            } catch (InterruptedException e) {
                                return;
                            }
                            System.exit(130);
                        }
                    };
                    grace.setDaemon(true);
                    grace.start();
                }
            });
        } catch (IllegalArgumentException e) {
            // SIGINT is reserved here (e.g. -Xrs): the JVM's own handling stays.
        }
    }
}
