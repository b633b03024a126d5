package scar.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background scar as a user meets it: real client processes, as scripts/scar starts them,
 * and the detached process the first one starts.
 */
class DaemonProcessIT {
    @TempDir
    static Path shared;
    static Path image;

    @TempDir
    Path home;
    Path runtime;
    Map<String, String> environment;

    @BeforeAll
    static void buildImage() throws Exception {
        image = shared.resolve("hello.tar");
        Process build = new ProcessBuilder("../scripts/sample-image", image.toString()).redirectErrorStream(true).start();
        assertThat(build.waitFor()).as(new String(build.getInputStream().readAllBytes())).isZero();
    }

    @BeforeEach
    void privateFolder() throws Exception {
        runtime = Files.createDirectory(home.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        environment = Map.of("XDG_RUNTIME_DIR", runtime.toString(),
                "SCAR_CONFIG_FOLDER", home.resolve("cfg").toString(), "SCAR_DAEMON_IDLE_SECONDS", "120");
    }

    @AfterEach
    void stopTheBackgroundScar() throws Exception {
        Optional<Path> lock;
        try (var files = Files.list(runtime.resolve("scar"))) {
            lock = files.filter(p -> p.toString().endsWith(".lock")).findFirst();
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (lock.isPresent()) {
            ProcessHandle.of(Long.parseLong(Files.readString(lock.get()).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theFirstCommandStartsABackgroundScarThatLaterCommandsUseUntilItIsStopped() throws Exception {
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

    @Test
    void aClientKilledMidBatchStopsItsBatchAndTheNextRunDoesTheRestEachInputOnce() throws Exception {
        Files.createDirectories(home.resolve("cfg"));
        Files.writeString(home.resolve("cfg/scar.cfg"), "[scar]\nbatch_concurrency = 2\n");
        Files.writeString(home.resolve("slow.sh"),
                "sleep 0.3; cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).out\"\n");
        assertThat(scar(environment, "init", "-n", "slowcopy", "-s", "slow.sh", "-es", "restart", "-if", image.toString()).code())
                .isZero();
        Path input = home.resolve("cfg/local/buckets/restart/input");
        for (int i = 0; i < 20; i++) {
            Files.writeString(input.resolve("in-" + i), "content " + i);
        }
        Path ledger = home.resolve("cfg/local/ledgers/slowcopy.jsonl");

        Process first = client(environment, "run", "-es", "restart").redirectErrorStream(true)
                .redirectOutput(home.resolve("first.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (count(ledger, "\"succeeded\"") < 5) {
            assertThat(System.nanoTime()).as("5 inputs done within 90 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        first.destroyForcibly().waitFor(); // the client, killed: its terminal closed, or kill -9

        // the background process stops the batch: no input starts any more
        long starts = count(ledger, "\"started\"");
        long stable = System.nanoTime();
        while (System.nanoTime() - stable < TimeUnit.SECONDS.toNanos(2)) {
            Thread.sleep(100);
            long now = count(ledger, "\"started\"");
            if (now != starts) {
                starts = now;
                stable = System.nanoTime();
            }
            assertThat(System.nanoTime()).as("the batch stops within 90 s").isLessThan(deadline);
        }
        assertThat(starts).isLessThan(20);
        List<String> finishedBefore = Files.readAllLines(ledger).stream().filter(l -> l.contains("\"succeeded\""))
                .map(l -> l.replaceAll(".*\"key\":\"([^\"]*)\".*", "$1")).toList();

        Result second = scar(environment, "run", "-es", "restart");

        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains((20 - finishedBefore.size()) + " succeeded");
        for (String key : finishedBefore) {
            assertThat(Files.readAllLines(ledger).stream()
                    .filter(l -> l.contains("\"started\"") && l.contains("\"key\":\"" + key + "\"")))
                    .as("starts of %s, finished before the kill", key).hasSize(1);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(home.resolve("cfg/local/buckets/restart/output/in-" + i + ".out")).hasContent("content " + i);
        }
    }

    @Test
    void aBackgroundScarThatCannotStartLeavesTheCommandToItsOwnJvmWithAWarning() throws Exception {
        Map<String, String> broken = new java.util.HashMap<>(environment);
        broken.put("SCAR_DAEMON_JAVA_OPTS", "-Xno-such-option");
        long started = System.nanoTime();

        Result listing = scar(broken, "ls");

        assertThat(listing.code()).as(listing.err()).isZero();
        assertThat(listing.out()).startsWith("NAME");
        assertThat(listing.err()).startsWith("warning: scar's background process did not start (its log: ")
                .contains("this command runs in a JVM of its own");
        assertThat(System.nanoTime() - started).as("no wait for a process that is gone").isLessThan(TimeUnit.SECONDS.toNanos(10));
    }

    private static long count(Path ledger, String event) throws Exception {
        if (!Files.exists(ledger)) {
            return 0;
        }
        return Files.readAllLines(ledger).stream().filter(l -> l.contains(event)).count();
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
