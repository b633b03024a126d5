package scar.commands;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;
import scar.testing.TestImages;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs several commands in ONE session, as the interactive shell does, so that state kept
 * between commands (current function, target, completion cache) can be observed.
 */
abstract class SessionTestBase extends CommandTestBase {
    @TempDir
    static Path images;
    static Path helloTarball;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    Session session;
    CommandRunner runner;
    private final List<Session> opened = new java.util.ArrayList<>();

    /** Background completion refreshes must not write into the temp folder while JUnit deletes it. */
    @org.junit.jupiter.api.AfterEach
    void closeSessions() {
        opened.forEach(open -> open.context().close());
    }

    @BeforeAll
    static void buildImage() {
        helloTarball = new TestImages(images.resolve("build")).dockerArchive("hello:1", TestImages.Spec.cowsay());
    }

    /** Opens the session lazily, so a test can choose its environment first. */
    Session session(Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put("SCAR_CONFIG_FOLDER", home.toString());
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        session = new SessionFactory(environment).open(console);
        opened.add(session);
        runner = new CommandRunner(session);
        return session;
    }

    /** Runs one command line in the session. */
    Outcome shell(String... words) {
        if (session == null) {
            session(Map.of());
        }
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        int exitCode = runner.execute(List.of(words));
        return new Outcome(exitCode, out.toString(), err.toString());
    }

    /** Creates a function whose init script says its name, so a test can tell which one ran. */
    void createFunction(String name) throws Exception {
        Path script = home.resolve("say-" + name + ".sh");
        java.nio.file.Files.writeString(script, "echo I am " + name + "\n");
        Outcome init = shell("init", "-n", name, "-s", script.toString(), "-if", helloTarball.toString());
        org.assertj.core.api.Assertions.assertThat(init.exitCode()).as(init.err()).isZero();
    }
}
