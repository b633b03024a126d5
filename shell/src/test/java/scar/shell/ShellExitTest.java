package scar.shell;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.shell.Input;
import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.testing.Processes;
import scar.testing.SharedRegistry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaving the interactive shell while runs started with {@code run --async} still go: they run
 * inside scar, so the shell says it waits for them and does; Ctrl-C then stops them, containers
 * included. The REPL is Spring Shell's loop (ScarShell) fed typed lines, then Ctrl-D.
 */
class ShellExitTest {
    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String image;

    @TempDir
    Path home;

    private final StringWriter err = new StringWriter();
    private Session session;
    private Terminal terminal;

    @BeforeAll
    static void push() {
        image = REGISTRY.images().push(REGISTRY.registry(), "cowsay:1");
    }

    @BeforeEach
    void aFunction() throws Exception {
        var console = new StandardConsole(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false);
        session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        assertThat(new CommandRunner(session).execute(List.of("init", "-n", "fn", image))).as(err.toString()).isZero();
        terminal = TerminalBuilder.builder().system(false).type("dumb").size(new Size(120, 40))
                .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()).build();
    }

    @AfterEach
    void closeAll() throws Exception {
        session.context().closeTargets();
        session.context().close();
        terminal.close();
    }

    @Test
    void leavingTheShellSaysItWaitsForAnAsyncRunAndLetsItFinish() throws Exception {
        typeThenCtrlD(List.of("run", "--async", "fn", "/bin/sh", "-c", "sleep 2; echo late-line"));

        assertThat(err.toString()).contains("waiting for 1 running invocation(s); Ctrl-C to stop them\n");
        String rid = requestId();
        // The run ended before the shell did: its output and its REPORT are in its log.
        String log = logOf(rid);
        assertThat(log).contains("late-line\n").contains("REPORT RequestId: " + rid).contains("Exit Code: 0");
    }

    @Test
    void leavingTheShellWithNothingRunningSaysNothing() throws Exception {
        typeThenCtrlD(List.of("ls"));

        assertThat(err.toString()).doesNotContain("waiting for");
    }

    @Test
    void ctrlCWhileTheShellWaitsAtExitStopsTheRunsAndKillsTheirContainers() throws Exception {
        String marker = "97." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        CompletableFuture<Void> shell = CompletableFuture.runAsync(() -> {
            try {
                typeThenCtrlD(List.of("run", "--async", "fn", "sleep", marker));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await(() -> err.toString().contains("waiting for 1 running invocation(s); Ctrl-C to stop them"),
                    () -> "the shell to say it waits; it said:\n" + err);
            await(() -> !Processes.sleeps(marker, false).isEmpty(), () -> "the container's sleep to start");

            terminal.raise(Terminal.Signal.INT);

            shell.get(90, TimeUnit.SECONDS);
            await(() -> Processes.sleeps(marker, false).isEmpty(), () -> "the container's sleep to be killed");
            String rid = requestId();
            assertThat(logOf(rid)).as("the stopped run logged its end").contains("REPORT RequestId: " + rid);
        } finally {
            Processes.kill(Processes.sleeps(marker, false));
        }
    }

    /** What the user types at the prompt, line by line, then Ctrl-D; returns when the shell has ended. */
    @SafeVarargs
    private void typeThenCtrlD(List<String>... lines) throws Exception {
        var shell = new ScarShell(null, null, terminal, null, null, new CommandRunner(session), null,
                new ShellExit(session, terminal));
        Deque<List<String>> typed = new ArrayDeque<>(List.of(lines));
        shell.run(() -> {
            List<String> words = typed.poll();
            return words == null ? null : new Input() { // null: Ctrl-D
                @Override
                public String rawText() {
                    return String.join(" ", words);
                }

                @Override
                public List<String> words() {
                    return words;
                }
            };
        });
    }

    private String requestId() {
        return err.toString().lines().filter(line -> line.startsWith("Request Id: ")).findFirst()
                .map(line -> line.substring("Request Id: ".length()).strip()).orElseThrow();
    }

    private String logOf(String rid) {
        StringWriter out = new StringWriter();
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
        Session reader = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        try {
            new CommandRunner(reader).execute(List.of("log", "-ri", rid, "fn"));
        } finally {
            reader.context().closeTargets();
            reader.context().close();
        }
        return out.toString();
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 90 s for " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
