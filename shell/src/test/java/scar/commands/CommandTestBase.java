package scar.commands;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs commands as a user would, against a fresh SCAR_CONFIG_FOLDER, capturing exit code, stdout and stderr. */
abstract class CommandTestBase {
    @TempDir
    Path home;

    /** Every session a test opened, closed after it as scar closes its own on exit. */
    private final List<Session> sessions = new ArrayList<>();

    record Outcome(int exitCode, String out, String err) {
        /** A user error: one line saying what was wrong (plus a usage hint for bad command lines), never a trace. */
        Outcome failsWithOneClearLine(String expected) {
            assertThat(exitCode).as("exit code; stderr: %s", err).isNotZero();
            assertThat(err).doesNotContain("Exception", "\tat ");
            List<String> lines = err.lines().filter(line -> !line.startsWith("Try '")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("error: ").contains(expected);
            return this;
        }
    }

    /** The variables a session sees: tests of other targets add theirs. */
    Map<String, String> environment() {
        return Map.of("SCAR_CONFIG_FOLDER", home.toString());
    }

    Outcome scar(String... words) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        Session session = new SessionFactory(environment()).open(console);
        synchronized (sessions) { // tests run commands from several threads
            sessions.add(session);
        }
        int exitCode = new CommandRunner(session).execute(List.of(words));
        return new Outcome(exitCode, out.toString(), err.toString());
    }

    /**
     * Waits for what a test's sessions still run in the background (run --async) and stops their
     * threads, as scar does when it exits, so that nothing of one test runs on into the next one.
     */
    @AfterEach
    void closeSessions() {
        List<Session> opened;
        synchronized (sessions) {
            opened = List.copyOf(sessions);
            sessions.clear();
        }
        for (Session session : opened) {
            try (var target = session.target()) {
                session.context().close();
            }
        }
    }
}
