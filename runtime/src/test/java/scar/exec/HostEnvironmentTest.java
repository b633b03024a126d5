package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.BusyboxRootfs;

/**
 * The host environment must never reach the container, whatever the shell that started scar
 * left in it. A JVM cannot change its own environment, so the run happens in a child JVM started
 * with a deliberately polluted one: the shell's own variables (PWD, OLDPWD, SHLVL, _), a secret,
 * and proot's own knobs.
 */
class HostEnvironmentTest {
    private static final Map<String, String> POLLUTION = Map.of(
            "PWD", "/host/pwd", "OLDPWD", "/host/oldpwd", "SHLVL", "7", "_", "/usr/bin/host-underscore",
            "HOST_SECRET", "leak", "PROOT_VERBOSE", "9", "PROOT_TMP_DIR", "/nonexistent", "TMPDIR", "/host/tmp");

    @TempDir
    Path dir;

    /** Runs {@code /usr/bin/env} in ROOTFS with WORKDIR as the working directory; prints what it printed. */
    public static void main(String[] args) {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "FROM_IMAGE", "image value");
        ExecResult result = new ProotExecutor().run(new ContainerSpec(Path.of(args[0]), List.of("/usr/bin/env"), env,
                args[1], Map.of(), Duration.ofSeconds(30)), line -> { });
        System.out.print(result.output());
        System.exit(result.exitCode());
    }

    @Test
    void aPollutedHostEnvironmentLeavesNoTraceAndPwdIsTheWorkingDirectory() throws Exception {
        Path rootfs = BusyboxRootfs.create(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("srv/app"));
        Map<String, String> seen = envInChildJvm(rootfs, "/srv/app");
        assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PATH", "/usr/bin:/bin", "HOME", "/root", "FROM_IMAGE", "image value", "PWD", "/srv/app"));
    }

    private Map<String, String> envInChildJvm(Path rootfs, String workdir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                HostEnvironmentTest.class.getName(), rootfs.toString(), workdir)
                .redirectErrorStream(true);
        pb.environment().putAll(POLLUTION);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> seen = new TreeMap<>();
        out.lines().forEach(l -> seen.put(l.substring(0, Math.max(0, l.indexOf('='))), l.substring(l.indexOf('=') + 1)));
        return seen;
    }
}
