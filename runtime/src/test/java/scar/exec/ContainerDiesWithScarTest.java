package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;
import scar.testing.Processes;

/**
 * When scar itself dies in the middle of a run (kill -9, the OOM killer, a test JVM torn down),
 * nothing of the container may go on running. Killed with SIGKILL, the JVM runs no shutdown
 * hook: this is up to the kernel. The run happens in a child JVM that is killed once the
 * container has started its background processes.
 */
class ContainerDiesWithScarTest {
    @TempDir
    Path dir;

    /** Runs a container that forks sleeps tagged {@code args[1]} on the rootfs {@code args[0]}, echoing its lines. */
    public static void main(String[] args) {
        String tag = args[1];
        String script = "sleep %s1 & /bin/busybox setsid sleep %s2 & echo started; sleep %s3".formatted(tag, tag, tag);
        new ProotExecutor().run(new ContainerSpec(Path.of(args[0]), List.of("/bin/sh", "-c", script),
                Map.of("PATH", "/usr/bin:/bin"), "/", Map.of(), Duration.ofMinutes(10)), line -> {
                    System.out.println(line);
                    System.out.flush();
                });
    }

    @Test
    void aScarKilledMidRunLeavesNoProcessOfTheContainerBehind() throws Exception {
        Path rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
        // unique, so that a concurrent run of this test elsewhere on the machine is not mistaken for ours
        String tag = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process scar = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ContainerDiesWithScarTest.class.getName(), rootfs.toString(), tag)
                .redirectErrorStream(true).start();
        ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor();
        guard.schedule(scar::destroyForcibly, 120, TimeUnit.SECONDS); // a child that never starts the container
        List<String> seen = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(scar.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && !line.equals("started"); line = out.readLine()) {
                seen.add(line);
            }
            // the background sleeps may exec a moment after the echo
            List<String> running = containerProcesses(tag, rootfs);
            long started = System.nanoTime();
            while (running.size() < 4 && System.nanoTime() - started < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(20);
                running = containerProcesses(tag, rootfs);
            }
            assertThat(running).as("proot and 3 sleeps run; the child JVM said %s", seen).hasSize(4);

            scar.destroyForcibly(); // SIGKILL
            assertThat(scar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            guard.shutdownNow();
        }

        List<String> left = containerProcesses(tag, rootfs);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // generous: a loaded machine
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = containerProcesses(tag, rootfs);
        }
        // not left running for hours on the machine when this fails
        Processes.kill(left);
        assertThat(left).isEmpty();
    }

    /** proot on this rootfs and the sleeps with this tag: "PID [argv] PPid: N TracerPid: N". */
    private static List<String> containerProcesses(String tag, Path rootfs) {
        return Processes.matching(argv -> argv.size() >= 2 && argv.get(0).endsWith("sleep") && argv.get(1).startsWith(tag)
                || argv.get(0).endsWith("proot") && argv.contains(rootfs.toString()));
    }
}
