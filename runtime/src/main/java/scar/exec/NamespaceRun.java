package scar.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One container run for the executors whose command is the init of its own PID namespace
 * (bwrap, unshare): killing that one process at the deadline ends everything in the
 * namespace, so unlike proot no process tree needs hunting down.
 */
final class NamespaceRun {
    static final File DEV_NULL = new File("/dev/null");
    private static final int MAX_PIECE_BYTES = 64 * 1024;

    private NamespaceRun() {
    }

    /** @param tool what {@code command} starts, for the error when it cannot be started */
    static ExecResult run(List<String> command, ContainerSpec spec, Consumer<String> lines, long outputCap, String tool) {
        if (spec.argv().isEmpty() || spec.argv().get(0).isEmpty()) {
            throw new IllegalArgumentException("nothing to run: the command is empty");
        }
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + tool + ": " + e.getMessage(), e);
        }
        CappedText output = new CappedText(outputCap);
        Thread pump = pump(process.getInputStream(), lines, output, command.get(0), process.pid());
        boolean timedOut = false;
        try {
            if (!process.waitFor(spec.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                process.destroyForcibly(); // the namespace's init dies, and all in it
                process.waitFor();
            }
            pump.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            timedOut = true;
        }
        int code = timedOut ? 137 : process.exitValue();
        return new ExecResult(code, timedOut, output.text(), output.truncated(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static Thread pump(InputStream in, Consumer<String> lines, CappedText output, String program, long pid) {
        Thread t = new Thread(() -> {
            try (in) {
                new LineSplitter(MAX_PIECE_BYTES).pump(in, (text, newline) -> {
                    lines.accept(text);
                    output.append(text, newline);
                });
            } catch (IOException e) {
                // the pipe closed under us: the run is over
            }
        }, new File(program).getName() + "-output-" + pid);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
