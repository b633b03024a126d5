package scar.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reaper's shell, driven as the JVM drives it: closing its input is what the kernel does when
 * scar dies. Plain {@code sleep}s stand in for proot (SIGABRT ends them too).
 */
class ContainerReaperTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
    }

    private Process sleep() throws Exception {
        Process p = new ProcessBuilder("sleep", "300").start();
        started.add(p);
        return p;
    }

    private void reap(String lines) throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", ContainerReaper.SCRIPT).start();
        started.add(shell);
        try (OutputStream in = shell.getOutputStream()) {
            in.write(lines.getBytes(StandardCharsets.US_ASCII));
        } // closed: as if the JVM had died
        assertThat(shell.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    private static String start(Process p) {
        return ContainerReaper.startTime(p.pid()).orElseThrow();
    }

    @Test
    void whenItsInputClosesItTakesDownWhatIsStillWatchedAndNothingElse() throws Exception {
        Process watched = sleep();
        Process forgotten = sleep();
        Process reusedPid = sleep(); // listed with another start time: as if its pid had been reused
        Process stranger = sleep();
        long otherStart = Long.parseLong(start(reusedPid)) + 1;

        reap("+ " + watched.pid() + " " + start(watched) + "\n"
                + "+ " + forgotten.pid() + " " + start(forgotten) + "\n"
                + "- " + forgotten.pid() + "\n"
                + "+ " + reusedPid.pid() + " " + otherStart + "\n"
                + "+ 1; touch /tmp/x 5\n+ $(id) 5\n");

        assertThat(watched.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(watched.exitValue()).isEqualTo(128 + 6); // SIGABRT
        assertThat(forgotten.isAlive()).isTrue();
        assertThat(reusedPid.isAlive()).isTrue();
        assertThat(stranger.isAlive()).isTrue();
    }

    @Test
    void theJvmsReaperRunsAndReadsStartTimesOfLiveProcessesOnly() throws Exception {
        assertThat(ContainerReaper.ofThisJvm()).hasValueSatisfying(r -> assertThat(r.alive()).isTrue());
        assertThat(ContainerReaper.startTime(ProcessHandle.current().pid())).hasValueSatisfying(v -> assertThat(v).matches("\\d+"));
        assertThat(ContainerReaper.startTime(Long.MAX_VALUE)).isEmpty();
    }
}
