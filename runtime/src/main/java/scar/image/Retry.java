package scar.image;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transient registry failures (connection reset, HTTP 5xx, 429) are retried: exponential
 * back-off from {@code first}, each wait at most {@code max}, and no new attempt once
 * {@code total} has passed since the first. A digest mismatch is not transient and never retried.
 *
 * @param stall a download that receives no byte for this long is abandoned (and retried)
 */
public record Retry(Duration total, Duration first, Duration max, Duration stall) {
    /** 60 s in all, waits of 0.25, 0.5, 1, 2, 4, 8, 8… s; a body silent for 30 s is stalled. */
    public static final Retry DEFAULT = new Retry(Duration.ofSeconds(60), Duration.ofMillis(250), Duration.ofSeconds(8),
            Duration.ofSeconds(30));

    public Retry {
        if (total.isNegative() || first.isNegative() || max.isNegative() || stall.isNegative() || stall.isZero()) {
            throw new IllegalArgumentException("invalid retry policy: " + total + ", " + first + ", " + max + ", " + stall);
        }
    }

    /** The attempts of one operation. */
    Attempts start() {
        return new Attempts();
    }

    final class Attempts {
        private final long startNanos = System.nanoTime();
        private long nextWaitNanos = first.toNanos();
        private int count = 1;

        /**
         * Waits before another attempt and returns true, or returns false at once when the
         * budget does not allow one. {@code hint} is a server's Retry-After, or null.
         */
        boolean again(Duration hint) {
            long wait = nextWaitNanos + ThreadLocalRandom.current().nextLong(nextWaitNanos / 5 + 1);
            if (hint != null && hint.toNanos() > wait) {
                wait = hint.toNanos(); // the server said when; the total budget still bounds it
            }
            if (System.nanoTime() + wait - startNanos > total.toNanos()) {
                return false;
            }
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException("pulling was interrupted");
            }
            nextWaitNanos = Math.min(nextWaitNanos * 2, max.toNanos());
            count++;
            return true;
        }

        /** For messages: " after N attempts in S s", or "" after one. */
        String summary() {
            if (count == 1) {
                return "";
            }
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            return " after " + count + " attempts in " + String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0) + " s";
        }
    }
}
