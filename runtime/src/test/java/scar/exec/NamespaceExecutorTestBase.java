package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;

/**
 * What every executor that runs the container in namespaces of its own (bwrap, chroot) must do,
 * on a real busybox root filesystem; a subclass names the executor and where it can run.
 */
abstract class NamespaceExecutorTestBase {
    static final Map<String, String> ENV = Map.of("PATH", "/bin:/usr/bin", "ONLY", "this");

    @TempDir
    static Path dir;
    static Path rootfs;

    private ContainerExecutor executor;

    /** A new executor; skips the test (an assumption) where it cannot run here. */
    abstract ContainerExecutor newExecutor();

    /** The first digits of the sleeps a test leaves behind, distinct per executor, to look for them in /proc. */
    abstract String sleepTag();

    @BeforeAll
    static void rootfs() throws IOException {
        rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("sys"));
        Files.createFile(rootfs.resolve("etc/hosts"));
        Files.createFile(rootfs.resolve("etc/resolv.conf"));
    }

    @BeforeEach
    void executor() {
        executor = newExecutor();
    }

    ExecResult run(String script, Duration timeout, Map<Path, String> binds, String user) {
        return executor.run(new ContainerSpec(rootfs, List.of("/bin/sh", "-c", script), ENV, "/", binds, timeout, user),
                line -> { });
    }

    ExecResult run(String script) {
        return run(script, Duration.ofSeconds(30), Map.of(), "0:0");
    }

    @Test
    void runsTheCommandWithExactlyTheGivenEnvironmentAndPassesTheExitCodeThrough() {
        ExecResult result = run("echo hi; env | sort; exit 3");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).startsWith("hi\n").contains("ONLY=this\n").contains("PATH=/bin:/usr/bin\n");
        assertThat(result.output()).doesNotContain("HOME=").doesNotContain("JAVA");
    }

    @Test
    void reportsASignalKilledMainProcessAs128PlusTheSignal() {
        ExecResult killed = run("echo before; kill -9 $$");
        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.output()).isEqualTo("before\n"); // no "Killed" from the namespace's init
        assertThat(run("kill -15 $$").exitCode()).isEqualTo(143);
    }

    @Test
    void runsAsTheRequestedUserInTheWorkingDirectoryWithBinds() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("in.txt"), "staged\n");
        ExecResult result = run("id -u; id -g; cat /tmp/req/in.txt", Duration.ofSeconds(30), Map.of(work, "/tmp/req"), "1000:100");
        assertThat(result.output()).isEqualTo("1000\n100\nstaged\n");
    }

    @Test
    void killsEverythingAtTheTimeoutIncludingBackgroundProcesses() throws IOException {
        // unique to this run: the same test may be running elsewhere on the machine
        String tag = sleepTag() + ProotExecutorTest.uniqueTag();
        long start = System.nanoTime();
        ExecResult result = run("sleep " + tag + "1 & /bin/busybox setsid sleep " + tag + "2 & echo started; sleep 1000",
                Duration.ofSeconds(1), Map.of(), "0:0");
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        sleepBriefly();
        assertThat(ProotExecutorTest.processesWithArgument(tag + "1")).isEmpty();
        assertThat(ProotExecutorTest.processesWithArgument(tag + "2")).isEmpty();
    }

    @Test
    void whatTheMainProcessLeavesBehindDiesWithIt() throws IOException {
        ExecResult result = run("sleep " + sleepTag() + "3 & echo done");
        assertThat(result.output()).isEqualTo("done\n");
        sleepBriefly();
        assertThat(ProotExecutorTest.processesWithArgument(sleepTag() + "3")).isEmpty();
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
