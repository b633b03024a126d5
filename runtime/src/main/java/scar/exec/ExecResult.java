package scar.exec;

import java.time.Duration;

/**
 * How a container run ended.
 *
 * @param output    stdout and stderr interleaved as written, capped (see {@code truncated})
 * @param truncated true when output beyond the cap was dropped from {@code output}
 */
public record ExecResult(int exitCode, boolean timedOut, String output, boolean truncated, Duration duration) {
}
