package scar.image;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes a stream when no byte has arrived for a while. HttpClient has no read timeout for
 * response bodies, and a blocked read ignores interrupts, but it wakes when the stream is closed.
 */
final class StallWatch implements AutoCloseable {
    private final Object lock = new Object();
    private final long stallNanos;
    private long last = System.nanoTime();
    private boolean done;
    private boolean stalled;
    private final Thread thread;

    StallWatch(Closeable stream, Duration stall) {
        this.stallNanos = stall.toNanos();
        this.thread = new Thread(() -> watch(stream), "blob-stall-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(Closeable stream) {
        while (true) {
            long idle;
            synchronized (lock) {
                if (done) {
                    return;
                }
                idle = System.nanoTime() - last;
                if (idle >= stallNanos) {
                    stalled = true;
                    try {
                        stream.close();
                    } catch (IOException e) {
                        // closed either way
                    }
                    return;
                }
            }
            try {
                Thread.sleep(Math.max(1, (stallNanos - idle) / 1_000_000 + 1));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Bytes arrived. */
    void touch() {
        synchronized (lock) {
            last = System.nanoTime();
        }
    }

    /** Whether the stream was closed for stalling (a read's IOException then means that). */
    boolean stalled() {
        synchronized (lock) {
            return stalled;
        }
    }

    String describe() {
        return "no data for " + Math.max(1, stallNanos / 1_000_000_000L) + " s";
    }

    @Override
    public void close() {
        synchronized (lock) {
            done = true;
        }
        thread.interrupt();
    }
}
