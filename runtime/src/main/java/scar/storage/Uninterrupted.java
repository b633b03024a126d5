package scar.storage;

import java.util.function.Supplier;

/**
 * Runs file work with the thread's interrupt deferred. NIO file channels close themselves when
 * their thread is interrupted; a Ctrl-C arriving while an output is written must not turn a
 * finished result into a lost one. The interrupt is restored afterwards for the caller to see.
 */
public final class Uninterrupted {
    private Uninterrupted() {
    }

    public static <T> T call(Supplier<T> work) {
        boolean interrupted = Thread.interrupted();
        try {
            return work.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
