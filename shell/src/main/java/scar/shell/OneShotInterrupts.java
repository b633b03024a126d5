package scar.shell;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C in one-shot mode, as the shell does it: the first SIGINT interrupts the command, so
 * {@code log -f} ends cleanly with exit 0 and a running container is killed rather than left
 * behind (proot runs in its own session, so the JVM's default exit would orphan it). A command
 * that does not end within a grace period, or a second Ctrl-C, ends scar with 130 as before.
 */
final class OneShotInterrupts {
    private static final long GRACE_MILLIS = 3000;

    private OneShotInterrupts() {
    }

    static void install(Thread commandThread) {
        AtomicBoolean interrupted = new AtomicBoolean();
        try {
            Signal.handle(new Signal("INT"), signal -> {
                if (interrupted.getAndSet(true)) {
                    Runtime.getRuntime().halt(130);
                }
                commandThread.interrupt();
                Thread grace = new Thread(() -> {
                    try {
                        Thread.sleep(GRACE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.exit(130);
                }, "scar-sigint-grace");
                grace.setDaemon(true);
                grace.start();
            });
        } catch (IllegalArgumentException e) {
            // SIGINT is reserved here (e.g. -Xrs): the JVM's own handling stays.
        }
    }
}
