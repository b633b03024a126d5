package scar.shell;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged scar in a real terminal (tmux): a person types a partial function name, presses
 * TAB, sees it completed, runs it and sees the output. Runs in Maven's integration-test phase,
 * after the jar is built; uses its own tmux server so it touches no other tmux session.
 */
class InteractiveShellIT {
    /** Generous: the machine is shared, and the shell starts Spring. */
    static final Duration PATIENCE = Duration.ofSeconds(120);

    /** Not a @TempDir: the shell may still be writing its history as tmux stops it. */
    private Path home;

    /** Our own tmux server; each shell gets a new one (the first ends when its shell exits). */
    private String socket = newSocket();
    private final List<String> sockets = new ArrayList<>(List.of(socket));
    private Path jar;

    @BeforeEach
    void createAFunction() throws Exception {
        home = Files.createTempDirectory("scar-it-");
        jar = Path.of("target", "scar-shell.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (mvn package)").exists();
        Path tarball = home.resolve("hello.tar");
        run(List.of(Path.of("..", "scripts", "sample-image").toAbsolutePath().toString(), tarball.toString()));
        run(List.of("java", "-jar", jar.toString(), "init", "-n", "hello-world", "-if", tarball.toString()));
        Path photo = Files.writeString(home.resolve("cat 1.jpg"), "meow");
        run(List.of("java", "-jar", jar.toString(), "put", "-b", "photos/input", "-p", photo.toString()));
    }

    @AfterEach
    void stopTmux() throws Exception {
        for (String each : sockets) {
            new ProcessBuilder("tmux", "-L", each, "kill-server").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            if (!Files.exists(home)) {
                return;
            }
            Thread.sleep(250);
        }
    }

    @Test
    void aPartialFunctionNameCompletesWithTabAndRunsAndHistoryOutlivesTheShell() throws Exception {
        startShell();

        tmux("send-keys", "-t", "it", "run hello-w");
        tmux("send-keys", "-t", "it", "Tab");
        awaitScreen("run hello-world"); // capture-pane drops trailing blanks

        tmux("send-keys", "-t", "it", "Enter");
        awaitScreen("Hello from scar");
        assertThat(screen()).contains("(oo)");

        // a key with a space: TAB escapes it as it completes, and ls gets it as one word
        tmux("send-keys", "-t", "it", "-l", "ls -b photos/input/c");
        tmux("send-keys", "-t", "it", "Tab");
        awaitScreen("ls -b photos/input/cat\\ 1.jpg");
        tmux("send-keys", "-t", "it", "Enter");
        awaitScreen("input/cat 1.jpg"); // the listing (the command line above shows the escaped word)

        tmux("send-keys", "-t", "it", "use hello-world", "Enter");
        awaitScreen("scar[local]:hello-world>");

        tmux("send-keys", "-t", "it", "exit", "Enter");
        Path history = home.resolve("history");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline && !(Files.exists(history)
                && Files.readString(history, StandardCharsets.UTF_8).contains("use hello-world"))) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(history, StandardCharsets.UTF_8))
                .as("history persists under $SCAR_CONFIG_FOLDER").contains("run hello-world", "use hello-world");

        // a new shell finds the last one's commands with Ctrl-R
        socket = newSocket();
        sockets.add(socket);
        startShell();
        tmux("send-keys", "-t", "it", "C-r");
        tmux("send-keys", "-t", "it", "-l", "use hel");
        awaitScreen("use hello-world");
        tmux("send-keys", "-t", "it", "Enter");
        awaitScreen("scar[local]:hello-world>");
    }

    @Test
    void exitWaitsForAnAsyncRunAndCtrlCThenStopsItsContainer() throws Exception {
        String marker = "93." + UUID.randomUUID().toString().replaceAll("[^0-9]", "").substring(0, 6);
        startShell();
        tmux("send-keys", "-t", "it", "-l", "run --async hello-world sleep " + marker);
        tmux("send-keys", "-t", "it", "Enter");
        awaitScreen("Running in the background");
        awaitSleep(marker, true);

        tmux("send-keys", "-t", "it", "exit", "Enter");
        awaitScreen("waiting for 1 running invocation(s); Ctrl-C to stop them");
        assertThat(scar.testing.Processes.sleeps(marker, false)).as("still running while the shell waits").isNotEmpty();

        tmux("send-keys", "-t", "it", "C-c");
        awaitSleep(marker, false);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline && tmuxSessionAlive()) {
            Thread.sleep(200);
        }
        assertThat(tmuxSessionAlive()).as("the shell ended").isFalse();
        // The stopped run's record is whole: the log has its REPORT.
        assertThat(run(List.of("java", "-jar", jar.toString(), "log", "hello-world"))).contains("REPORT RequestId: ");
    }

    private void awaitSleep(String marker, boolean running) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (scar.testing.Processes.sleeps(marker, false).isEmpty() == running) {
            if (System.nanoTime() > deadline) {
                List<String> left = scar.testing.Processes.sleeps(marker, false);
                scar.testing.Processes.kill(left);
                throw new AssertionError("the container's sleep " + marker + (running ? " never started" : " was left: " + left));
            }
            Thread.sleep(200);
        }
    }

    private boolean tmuxSessionAlive() throws Exception {
        Process process = new ProcessBuilder("tmux", "-L", socket, "has-session", "-t", "it").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    private static String newSocket() {
        return "scar-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void startShell() throws Exception {
        tmux("new-session", "-d", "-s", "it", "-x", "150", "-y", "45",
                "env SCAR_CONFIG_FOLDER='" + home + "' java -XX:TieredStopAtLevel=1 -jar '" + jar + "'"
                        + " 2>'" + home.resolve("shell.err") + "'");
        awaitScreen("scar[local]>");
    }

    private void awaitScreen(String expected) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen();
            if (screen.contains(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        Path err = home.resolve("shell.err");
        throw new AssertionError("the terminal never showed '" + expected + "'; it shows:\n" + screen
                + (Files.exists(err) ? "\nstderr:\n" + Files.readString(err) : ""));
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "it");
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        return run(command);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s:\n%s", command, out).isZero();
        return out;
    }
}
