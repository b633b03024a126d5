package scar.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background scar as a user meets it: real client processes, as scripts/scar starts them,
 * and the detached process the first one starts.
 */
class DaemonProcessIT {
    @TempDir
    Path home;

    @Test
    void theFirstCommandStartsABackgroundScarThatLaterCommandsUseUntilItIsStopped() throws Exception {
        Path image = home.resolve("hello.tar");
        Process build = new ProcessBuilder("../scripts/sample-image", image.toString()).redirectErrorStream(true).start();
        assertThat(build.waitFor()).as(new String(build.getInputStream().readAllBytes())).isZero();
        Path runtime = Files.createDirectory(home.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, String> environment = Map.of("XDG_RUNTIME_DIR", runtime.toString(),
                "SCAR_CONFIG_FOLDER", home.resolve("cfg").toString(), "SCAR_DAEMON_IDLE_SECONDS", "120");
        Long daemon = null;
        try {
            Result listing = scar(environment, "ls");
            assertThat(listing.code()).as(listing.err()).isZero();
            assertThat(listing.out()).startsWith("NAME");
            Path lock = Files.list(runtime.resolve("scar")).filter(p -> p.toString().endsWith(".lock")).findFirst().orElseThrow();
            daemon = Long.parseLong(Files.readString(lock).strip());
            ProcessHandle background = ProcessHandle.of(daemon).orElseThrow();
            // its own session: a Ctrl-C or hang-up of the terminal that started it does not reach it
            assertThat(sessionOf(daemon)).isNotEqualTo(sessionOf(ProcessHandle.current().pid()));

            assertThat(scar(environment, "init", "-n", "fn", "-if", image.toString()).code()).isZero();
            Path out = home.resolve("follow.out");
            Path err = home.resolve("follow.err");
            Process follower = client(environment, "log", "-f", "fn").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(out).contains("are you there")) {
                    assertThat(System.nanoTime()).as("the follower shows a new run's output").isLessThan(deadline);
                    scar(environment, "run", "fn", "/bin/echo", "are you there");
                }
                new ProcessBuilder("kill", "-INT", Long.toString(follower.pid())).start().waitFor();

                assertThat(follower.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(follower.exitValue()).as(Files.readString(err)).isZero();
            } finally {
                follower.destroyForcibly();
            }

            Result status = scar(environment, "daemon");
            assertThat(status.out()).contains("scar's background process " + daemon + ":");
            Result stop = scar(environment, "daemon", "stop");
            assertThat(stop.out()).contains("stops");
            assertThat(background.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(Files.list(runtime.resolve("scar")).filter(p -> p.toString().endsWith(".sock"))).isEmpty();

            Map<String, String> off = new java.util.HashMap<>(environment);
            off.put("SCAR_DAEMON", "off");
            assertThat(scar(off, "ls").code()).isZero();
            assertThat(Files.list(runtime.resolve("scar")).filter(p -> p.toString().endsWith(".sock"))).isEmpty();
        } finally {
            if (daemon != null) {
                ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    record Result(int code, String out, String err) {
    }

    private Result scar(Map<String, String> environment, String... args) throws Exception {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = client(environment, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private ProcessBuilder client(Map<String, String> environment, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), DaemonClient.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(scar.testing.DefaultSigint.command(command)).directory(home.toFile());
        builder.environment().putAll(environment);
        return builder;
    }

    private static String sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
    }
}
