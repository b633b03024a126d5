package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;

/** The chroot executor on a real busybox root filesystem (needs root, as in this test machine). */
class ChrootExecutorTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/bin:/usr/bin", "ONLY", "this");

    @TempDir
    static Path dir;
    static Path rootfs;

    private ChrootExecutor executor;

    @org.junit.jupiter.api.BeforeEach
    void executor() {
        executor = new ChrootExecutor();
    }

    @BeforeAll
    static void rootfs() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("sys"));
        Files.createFile(rootfs.resolve("etc/hosts"));
        Files.createFile(rootfs.resolve("etc/resolv.conf"));
    }

    private ExecResult run(String script, Duration timeout, Map<Path, String> binds, String user) {
        return executor.run(new ContainerSpec(rootfs, List.of("/bin/sh", "-c", script), ENV, "/", binds, timeout, user),
                line -> { });
    }

    private ExecResult run(String script) {
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
        assertThat(killed.output()).isEqualTo("before\n"); // no "Killed" from the init
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
        long start = System.nanoTime();
        ExecResult result = run("sleep 5321 & /bin/busybox setsid sleep 5322 & echo started; sleep 1000",
                Duration.ofSeconds(1), Map.of(), "0:0");
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        sleepBriefly();
        assertThat(ProotExecutorTest.processesWithArgument("5321")).isEmpty();
        assertThat(ProotExecutorTest.processesWithArgument("5322")).isEmpty();
    }

    @Test
    void whatTheMainProcessLeavesBehindDiesWithIt() throws IOException {
        ExecResult result = run("sleep 5323 & echo done");
        assertThat(result.output()).isEqualTo("done\n");
        sleepBriefly();
        assertThat(ProotExecutorTest.processesWithArgument("5323")).isEmpty();
    }

    @Test
    void anImageSymlinkOnTheWayToABindTargetIsRefusedAndNothingIsMadeOnTheHost() throws IOException {
        Path evil = BusyboxRootfs.create(dir.resolve("evil"));
        Path hostSide = Files.createDirectories(dir.resolve("host-side"));
        if (Files.isDirectory(evil.resolve("tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(evil.resolve("tmp"));
        }
        Files.createSymbolicLink(evil.resolve("tmp"), hostSide);
        Path work = Files.createDirectories(dir.resolve("work2"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> executor.run(new ContainerSpec(evil,
                        List.of("/bin/true"), ENV, "/", Map.of(work, "/tmp/req"), Duration.ofSeconds(30), "0:0"), line -> { }))
                .hasMessageContaining("cannot be mounted safely with executor chroot");
        assertThat(hostSide).isEmptyDirectory();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
