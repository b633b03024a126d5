package scar.commands;

import scar.testing.Processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deadline case as a user meets it: {@code run -s} with a script that forks
 * background sleeps (one in a session of its own) and outlives the function's deadline. The run
 * ends at the deadline with 137 and a clear line, and not one of the container's processes is
 * left, with each executor that runs on this machine.
 */
class DeadlineTest extends CommandTestBase {
    @ParameterizedTest(name = "executor {0}")
    @ValueSource(strings = {"proot", "bwrap", "chroot"})
    void aScriptWhoseBackgroundSleepsOutliveTheDeadlineLeavesNoProcessBehind(String executor) throws IOException {
        if (executor.equals("chroot")) {
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        }
        scar("ls"); // writes the default scar.cfg
        Path cfg = home.resolve("scar.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("[scar]\n", "[scar]\nexecutor = " + executor + "\n"));
        // unique to this run, so that what another run left cannot be mistaken for this one's
        String tag = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        Path script = Files.writeString(home.resolve("forks.sh"), """
                sleep %s1 &
                /bin/busybox setsid sleep %s2 &
                echo started
                sleep %s3
                """.formatted(tag, tag, tag));
        assertThat(scar("init", "-n", "slow", "-t", "3", "-tt", "2", SharedImage.reference()).exitCode()).isZero();

        long start = System.nanoTime();
        Outcome run = scar("run", "-s", script.toString(), "slow");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(run.exitCode()).as(run.err()).isEqualTo(137);
        assertThat(run.out()).isEqualTo("started\n");
        assertThat(run.err()).contains("function 'slow' timed out after 1 s");
        assertThat(tookMillis).isLessThan(8_000); // a 1 s deadline, not the sleeps' hours
        sleepBriefly();
        List<String> survivors = Processes.sleeps(tag, true);
        // not left running for hours on the machine when this fails
        Processes.kill(survivors);
        assertThat(survivors).isEmpty();
    }


    private static void sleepBriefly() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
