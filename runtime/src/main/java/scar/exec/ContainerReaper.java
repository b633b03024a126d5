package scar.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Takes the containers down when scar dies, however it dies.
 *
 * <p>Why: proot outlives its parent. When the JVM ends while a container runs (kill -9, the OOM
 * killer, a closed terminal, a test JVM torn down mid-run), proot is re-parented to init and
 * goes on tracing the container's processes, which may run for hours: seen on the test machine
 * as a proot and three {@code sleep}s alive minutes after the JVM that started them was gone.
 * No shutdown hook runs on SIGKILL. proot sets no PTRACE_O_EXITKILL, so a SIGKILLed proot leaves
 * its tracees running untraced; on SIGABRT it SIGKILLs every tracee itself and exits.
 *
 * <p>How: one small shell per JVM, started at the first run, reads {@code + PID START} and
 * {@code - PID} lines on its standard input, a pipe only this JVM holds (the JDK closes every other
 * descriptor in the processes it starts, so no proot keeps it open). When the JVM ends, however,
 * the kernel closes the pipe; the shell then sends SIGABRT to every proot still listed whose start
 * time is still the recorded one (a pid reused meanwhile is someone else's). It ignores the
 * terminal's signals, which reach the JVM's whole process group. A per-run
 * {@code setpriv --pdeathsig} did the same at +3 ms per run (one more program loaded per
 * container); this costs two short writes to a pipe.
 */
final class ContainerReaper {
    static final String SCRIPT = """
            trap '' INT QUIT HUP TERM PIPE
            while read -r op pid start; do
              case "$pid" in ''|*[!0-9]*) continue ;; esac
              case "$op" in
                +) case "$start" in ''|*[!0-9]*) continue ;; esac; eval "proot_$pid=$start" ;;
                -) unset "proot_$pid" ;;
              esac
            done
            for dir in /proc/[0-9]*; do
              pid=${dir#/proc/}
              eval "want=\\${proot_$pid:-}"
              [ -n "$want" ] || continue
              read -r stat < "$dir/stat" 2>/dev/null || continue
              set -- ${stat##*) }
              [ $# -ge 20 ] || continue
              shift 19
              [ "$1" = "$want" ] && kill -ABRT "$pid" 2>/dev/null
            done
            exit 0
            """;

    private final Process shell;
    private final OutputStream toShell;

    private ContainerReaper(Process shell) {
        this.shell = shell;
        this.toShell = shell.getOutputStream();
    }

    /** The JVM's reaper, started on first use; empty where no shell can be started. */
    static Optional<ContainerReaper> ofThisJvm() {
        return Holder.REAPER;
    }

    /** One per JVM: what it watches for is this JVM's end. */
    private static final class Holder {
        static final Optional<ContainerReaper> REAPER = start();
    }

    private static Optional<ContainerReaper> start() {
        try {
            Process shell = new ProcessBuilder("/bin/sh", "-c", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ContainerReaper reaper = new ContainerReaper(shell);
            // On an orderly exit the shell is ended first: the JDK's thread waiting for it sits in
            // native code, and a JVM exits only after waiting up to 300 ms for such threads.
            Runtime.getRuntime().addShutdownHook(new Thread(reaper::stop, "scar-reaper-stop"));
            return Optional.of(reaper);
        } catch (IOException | SecurityException | IllegalStateException e) {
            return Optional.empty(); // runs go on; only a killed scar could leave a container behind
        }
    }

    /** Closes the pipe as the JVM's end would (what is still listed is taken down) and waits briefly. */
    void stop() {
        try {
            synchronized (this) {
                toShell.close();
            }
            shell.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            // already closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From now until {@link #forget}, the proot {@code pid} is taken down if this JVM dies. */
    void watch(long pid) {
        startTime(pid).ifPresent(start -> send("+ " + pid + " " + start + "\n"));
    }

    void forget(long pid) {
        send("- " + pid + "\n");
    }

    boolean alive() {
        return shell.isAlive();
    }

    private synchronized void send(String line) {
        try {
            toShell.write(line.getBytes(StandardCharsets.US_ASCII));
            toShell.flush();
        } catch (IOException e) {
            // the reaper is gone (killed by hand): runs go on without it
        }
    }

    /** Field 22 of /proc/PID/stat, in clock ticks since boot: with the pid, it names one process. */
    static Optional<String> startTime(long pid) {
        try {
            String[] fields = ProcessTree.statFields(Path.of("/proc", Long.toString(pid)));
            return fields.length >= 20 ? Optional.of(fields[19]) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
