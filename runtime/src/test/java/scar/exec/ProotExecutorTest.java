package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;

class ProotExecutorTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root");

    @TempDir
    static Path dir;
    static Path rootfs;

    private final ProotExecutor executor = new ProotExecutor();

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
    }

    private static ContainerSpec sh(String script, Duration timeout) {
        return new ContainerSpec(rootfs, List.of("/bin/sh", "-c", script), ENV, "/", Map.of(), timeout);
    }

    private ExecResult run(String script) {
        return executor.run(sh(script, Duration.ofSeconds(30)), line -> { });
    }

    @Test
    void printsWhatTheContainerEchoes() {
        ExecResult result = run("echo hello from busybox");
        assertThat(result.output()).isEqualTo("hello from busybox\n");
        assertThat(result.exitCode()).isZero();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void passesTheContainersExitCodeThrough() {
        assertThat(run("exit 3").exitCode()).isEqualTo(3);
    }

    @Test
    void reportsTheMainProcessExitCodeNotTheLastProcessToEnd() {
        ExecResult result = run("(sleep 0.3; exit 0) & exit 4");
        assertThat(result.exitCode()).isEqualTo(4);
    }

    @Test
    void reportsASignalKilledMainProcessAs128PlusTheSignal() {
        assertThat(run("kill -9 $$").exitCode()).isEqualTo(137);
        assertThat(run("kill -TERM $$").exitCode()).isEqualTo(143);
    }

    @Test
    void reportsAMissingCommandAs127WithProotsReason() {
        ExecResult result = executor.run(new ContainerSpec(rootfs, List.of("/bin/nope"), ENV, "/", Map.of(),
                Duration.ofSeconds(10)), line -> { });
        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.output()).contains("/bin/nope").contains("not found");
    }

    @Test
    void keepsStdoutAndStderrInTheOrderWritten() {
        ExecResult result = run("echo out1; echo err1 >&2; echo out2; echo err2 >&2");
        assertThat(result.output()).isEqualTo("out1\nerr1\nout2\nerr2\n");
    }

    @Test
    void keepsALastLineWithoutNewline() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ExecResult result = executor.run(sh("echo first; printf last", Duration.ofSeconds(10)), lines::add);
        assertThat(lines).containsExactly("first", "last");
        assertThat(result.output()).isEqualTo("first\nlast");
    }

    @Test
    void aLineCutByProotsReportOfAnotherProcessArrivesWhole() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        // /bin/true is a child that ends while the shell is mid-line: proot reports it on the same pipe.
        ExecResult result = executor.run(sh("printf par; /bin/true; echo tial; printf end; /bin/true", Duration.ofSeconds(10)),
                lines::add);
        assertThat(lines).containsExactly("partial", "end");
        assertThat(result.output()).isEqualTo("partial\nend");
    }

    @Test
    void deliversEachLineWhileTheContainerIsStillRunning() {
        long start = System.nanoTime();
        long[] firstAt = new long[1];
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        executor.run(sh("echo a; sleep 2; echo b", Duration.ofSeconds(30)), line -> {
            if (lines.isEmpty()) {
                firstAt[0] = System.nanoTime();
            }
            lines.add(line);
        });
        long end = System.nanoTime();
        assertThat(lines).containsExactly("a", "b");
        assertThat(Duration.ofNanos(end - firstAt[0])).isGreaterThan(Duration.ofMillis(1500));
        assertThat(Duration.ofNanos(firstAt[0] - start)).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void givesTheContainerExactlyTheRequestedEnvironment() {
        Map<String, String> env = Map.of("PATH", "/bin", "HOME", "/root", "GREETING", "hi there");
        ExecResult result = executor.run(new ContainerSpec(rootfs, List.of("/usr/bin/env"), env, "/tmp", Map.of(),
                Duration.ofSeconds(10)), line -> { });
        Set<String> keys = new TreeSet<>();
        result.output().lines().forEach(l -> keys.add(l.substring(0, l.indexOf('='))));
        // proot always sets PWD to the container's working directory; nothing else is added.
        assertThat(keys).containsExactlyInAnyOrder("PATH", "HOME", "GREETING", "PWD");
        assertThat(result.output()).contains("GREETING=hi there\n").contains("PWD=/tmp\n")
                .doesNotContain("JAVA_HOME").doesNotContain("USER=").doesNotContain("PROOT_");
    }

    @Test
    void runsInTheRequestedWorkingDirectoryWithBinds() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("in.txt"), "from the host");
        ExecResult result = executor.run(new ContainerSpec(rootfs,
                List.of("/bin/sh", "-c", "pwd; cat /mnt/data/in.txt; echo; echo back > /mnt/data/out.txt"), ENV,
                "/mnt/data", Map.of(shared, "/mnt/data"), Duration.ofSeconds(10)), line -> { });
        assertThat(result.output()).isEqualTo("/mnt/data\nfrom the host\n");
        assertThat(Files.readString(shared.resolve("out.txt"))).isEqualTo("back\n");
    }

    @Test
    void killsTheWholeProcessTreeAtTheTimeoutEvenProcessesThatLeftTheSession() throws IOException {
        String tag = uniqueTag();
        long start = System.nanoTime();
        ExecResult result = executor.run(sh("sleep %s1 & /bin/busybox setsid sleep %s2 & echo started; sleep %s3"
                .formatted(tag, tag, tag), Duration.ofSeconds(1)), line -> { });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(took).isLessThan(Duration.ofSeconds(8)); // a 1 s deadline on a loaded machine
        assertThat(processesWithArgument(tag + "1")).isEmpty();
        assertThat(processesWithArgument(tag + "2")).isEmpty();
        assertThat(processesWithArgument(tag + "3")).isEmpty();
    }

    @Test
    void aScriptThatForksWithoutPauseAtTheDeadlineLeavesNoProcessBehind() throws IOException {
        // a process forked while the tree is being killed is the hard case: none may survive
        String tag = uniqueTag();
        long start = System.nanoTime();
        ExecResult result = executor.run(sh("echo started; while :; do sleep " + tag + " & done", Duration.ofSeconds(1)),
                line -> { });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<String> left = processesWithArgument(tag);
        left.forEach(line -> ProcessHandle.of(Long.parseLong(line.substring(0, line.indexOf(' '))))
                .ifPresent(ProcessHandle::destroyForcibly));
        assertThat(left).isEmpty();
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.output()).startsWith("started\n");
        assertThat(took).isLessThan(Duration.ofSeconds(15)); // hundreds of processes to kill on a loaded machine
    }

    @Test
    void endsTheRunWhenTheMainProcessExitsAndKillsWhatItLeftBehind() throws IOException {
        long start = System.nanoTime();
        String tag = uniqueTag();
        ExecResult result = run("sleep %s1 & /bin/busybox setsid sleep %s2 & echo bye; exit 5".formatted(tag, tag));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8)); // not the sleeps' hours
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.output()).isEqualTo("bye\n");
        assertThat(processesWithArgument(tag + "1")).isEmpty();
        assertThat(processesWithArgument(tag + "2")).isEmpty();
    }

    @Test
    void truncatesCollectedOutputAtTheCapButStillStreamsEveryLine() {
        ProotExecutor small = new ProotExecutor(List.of("proot"), 1000);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ExecResult result = small.run(sh("seq 1 1000", Duration.ofSeconds(10)), lines::add);
        assertThat(result.truncated()).isTrue();
        assertThat(result.output().length()).isLessThanOrEqualTo(1000);
        assertThat(result.output()).startsWith("1\n2\n3\n");
        assertThat(lines).hasSize(1000).endsWith("1000");
        assertThat(result.exitCode()).isZero();
    }

    /** Unique to one run, so that the same test running elsewhere on the machine is not mistaken for this one. */
    static String uniqueTag() {
        return String.valueOf(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    }

    static List<String> processesWithArgument(String arg) {
        return scar.testing.Processes.sleeps(arg, false);
    }
}
