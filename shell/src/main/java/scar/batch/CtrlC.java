package scar.batch;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a batch runs, Ctrl-C interrupts the thread that runs it instead of ending the JVM:
 * the batch stops queuing, stops its containers and records what is left as pending.
 * The previous handler (the JVM's, or the shell's) is back once the batch is over.
 */
public final class CtrlC implements AutoCloseable {
    private final SignalHandler previous;

    private CtrlC(SignalHandler previous) {
        this.previous = previous;
    }

    public static CtrlC interrupts(Thread thread) {
        try {
            return new CtrlC(Signal.handle(new Signal("INT"), signal -> thread.interrupt()));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return new CtrlC(null); // no SIGINT here (or the JVM keeps it): Ctrl-C keeps its default
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(new Signal("INT"), previous);
        }
    }
}
