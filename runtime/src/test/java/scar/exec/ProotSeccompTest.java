package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;

/**
 * proot's seccomp acceleration and its {@code PROOT_NO_SECCOMP=1} fallback, with the real proot.
 * Debian's proot is built without seccomp acceleration ({@code proot -V}: seccomp_filter = no)
 * and this kernel has no such bug, so a kernel where seccomp mode fails is played by a wrapper in
 * front of the real proot that fails with proot 5.1's own words for it (captured from a real run
 * whose execve was refused) unless the variable reached it. The wrapper also writes down, per start,
 * whether the variable reached proot: the container must never see it.
 */
class ProotSeccompTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root");

    @TempDir
    static Path dir;
    static Path rootfs;
    static Path proot;

    @TempDir
    Path scratch;

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
        proot = ProotExecutorPaths.onPath("proot").orElseThrow();
    }

    /** A proot that notes PROOT_NO_SECCOMP per start, and fails like a kernel with the seccomp bug if told to. */
    private Path wrapper(boolean kernelHasSeccompBug, Path starts) throws IOException {
        Path script = scratch.resolve("proot-wrapper");
        Files.writeString(script, """
                #!/bin/sh
                echo "start PROOT_NO_SECCOMP=${PROOT_NO_SECCOMP:-unset}" >> '%s'
                if [ %s = yes ] && [ -z "${PROOT_NO_SECCOMP:-}" ]; then
                  echo 'proot error: execve("/usr/bin/env"): Operation not permitted' >&2
                  echo 'proot info: It seems your kernel contains this bug: https://bugs.launchpad.net/ubuntu/+source/linux/+bug/1202161' >&2
                  echo 'To workaround it, set the env. variable PROOT_NO_SECCOMP to 1.' >&2
                  echo 'fatal error: see `proot --help`.' >&2
                  exit 1
                fi
                exec '%s' "$@"
                """.formatted(starts, kernelHasSeccompBug ? "yes" : "no", proot));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static ExecResult env(ProotExecutor executor, List<String> lines) {
        return executor.run(new ContainerSpec(rootfs, List.of("/usr/bin/env"), ENV, "/tmp", Map.of(), Duration.ofSeconds(30)),
                lines::add);
    }

    private static Map<String, String> variables(ExecResult result) {
        Map<String, String> seen = new TreeMap<>();
        result.output().lines().forEach(l -> seen.put(l.substring(0, Math.max(0, l.indexOf('='))), l.substring(l.indexOf('=') + 1)));
        return seen;
    }

    private static final Map<String, String> EXPECTED = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "PWD", "/tmp");

    @Test
    void bothModesRunTheContainerAndOnlyProotSeesTheVariable() throws IOException {
        Path starts = scratch.resolve("starts");
        ProotExecutor withSeccomp = new ProotExecutor(List.of(wrapper(false, starts).toString()), ProotExecutor.DEFAULT_OUTPUT_CAP);
        ProotExecutor without = withSeccomp.withoutSeccomp();

        ExecResult fast = env(withSeccomp, new ArrayList<>());
        ExecResult slow = env(without, new ArrayList<>());

        assertThat(fast.exitCode()).isZero();
        assertThat(slow.exitCode()).isZero();
        assertThat(variables(fast)).containsExactlyInAnyOrderEntriesOf(EXPECTED);
        assertThat(variables(slow)).containsExactlyInAnyOrderEntriesOf(EXPECTED);
        assertThat(Files.readAllLines(starts)).containsExactly("start PROOT_NO_SECCOMP=unset", "start PROOT_NO_SECCOMP=1");
        assertThat(withSeccomp.seccompOff()).isFalse();
        assertThat(without.seccompOff()).isTrue();
    }

    @Test
    void withoutSeccompAContainerWithPipesBackgroundJobsAndExitCodesBehavesTheSame() throws IOException {
        ProotExecutor without = new ProotExecutor(proot).withoutSeccomp();
        ExecResult result = without.run(new ContainerSpec(rootfs,
                List.of("/bin/sh", "-c", "seq 1 3 | tr '\\n' ' '; echo; (sleep 0.1; exit 0) & echo $PWD; exit 4"), ENV, "/tmp",
                Map.of(), Duration.ofSeconds(30)), line -> { });
        assertThat(result.output()).isEqualTo("1 2 3 \n/tmp\n");
        assertThat(result.exitCode()).isEqualTo(4);
    }

    @Test
    void whereSeccompModeFailsTheRunIsRetriedOnceWithoutItAndLaterRunsSkipStraightToThat() throws IOException {
        Path starts = scratch.resolve("starts");
        ProotExecutor executor = new ProotExecutor(List.of(wrapper(true, starts).toString()), ProotExecutor.DEFAULT_OUTPUT_CAP);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());

        ExecResult first = env(executor, lines);
        ExecResult second = env(executor, new ArrayList<>());

        assertThat(first.exitCode()).isZero();
        assertThat(variables(first)).containsExactlyInAnyOrderEntriesOf(EXPECTED);
        assertThat(variables(second)).containsExactlyInAnyOrderEntriesOf(EXPECTED);
        assertThat(lines).contains("scar: proot failed with seccomp; retrying with PROOT_NO_SECCOMP=1")
                .noneMatch(l -> l.contains("To workaround it")); // proot's advice is for us, not the user
        assertThat(Files.readAllLines(starts)).containsExactly(
                "start PROOT_NO_SECCOMP=unset", "start PROOT_NO_SECCOMP=1", "start PROOT_NO_SECCOMP=1");
        assertThat(executor.seccompOff()).isTrue();
    }

    @Test
    void aFailureThatIsNotAboutSeccompIsNotRetried() throws IOException {
        Path starts = scratch.resolve("starts");
        ProotExecutor executor = new ProotExecutor(List.of(wrapper(false, starts).toString()), ProotExecutor.DEFAULT_OUTPUT_CAP);
        ExecResult result = executor.run(new ContainerSpec(rootfs, List.of("/bin/sh", "-c", "echo once; exit 9"), ENV, "/",
                Map.of(), Duration.ofSeconds(30)), line -> { });
        assertThat(result.output()).isEqualTo("once\n");
        assertThat(result.exitCode()).isEqualTo(9);
        assertThat(Files.readAllLines(starts)).hasSize(1);
        assertThat(executor.seccompOff()).isFalse();
    }

    @Test
    void withoutAStaticBusyboxToHideItTheVariableShowsButTheContainerStillRuns() {
        ProotExecutor without = new ProotExecutor(proot).withEnvHelper(Optional.empty()).withoutSeccomp();
        ExecResult result = env(without, new ArrayList<>());
        assertThat(result.exitCode()).isZero();
        assertThat(variables(result)).containsEntry("PROOT_NO_SECCOMP", "1").containsAllEntriesOf(EXPECTED);
    }

    @Test
    void onlyAStaticExecutableIsUsedAsTheHelperInsideTheContainer() throws IOException {
        assertThat(StaticElf.isStatic(BusyboxRootfs.BUSYBOX)).isTrue();
        assertThat(StaticElf.isStatic(proot.toRealPath())).isFalse(); // Debian's proot loads libtalloc
        Path text = Files.writeString(scratch.resolve("script"), "#!/bin/sh\n");
        assertThat(StaticElf.isStatic(text)).isFalse();
        assertThat(StaticElf.isStatic(scratch.resolve("missing"))).isFalse();
        Path colon = Files.copy(BusyboxRootfs.BUSYBOX, scratch.resolve("a:b"));
        assertThat(StaticElf.isStatic(colon)).isFalse(); // proot would split the binding there
    }
}
