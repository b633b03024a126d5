package scar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;
import scar.testing.TestImages;
import scar.testing.TestRegistry;

/** init from a registry that needs a login, with the login in scar.cfg or in docker's config.json. */
class PrivateRegistryLoginTest extends CommandTestBase {
    private static final String PASSWORD = "pa55:word-Zq9";

    @TempDir
    static Path shared;
    static TestRegistry registry;
    static String image;

    @BeforeAll
    static void pushImage() throws IOException {
        registry = TestRegistry.startPrivate(Files.createDirectories(shared.resolve("registry")), "dana", PASSWORD);
        image = new TestImages(Files.createDirectories(shared.resolve("images"))).push(registry, "team/cow:1");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    /** Like {@link #scar}, with HOME and DOCKER_CONFIG of this test, so the host's docker login is not used. */
    private Outcome scarAsUser(String... words) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var console = new StandardConsole(new PrintWriter(out, true), new PrintWriter(err, true), false);
        Session session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString(), "HOME", home.toString(),
                "DOCKER_CONFIG", home.resolve("docker").toString())).open(console);
        int exitCode = new CommandRunner(session).execute(List.of(words));
        return new Outcome(exitCode, out.toString(), err.toString());
    }

    @Test
    void aLoginInScarCfgLetsInitPullAndRunThePrivateImage() throws IOException {
        scarAsUser("ls"); // writes the default scar.cfg
        Files.writeString(home.resolve("scar.cfg"), "\n[registry \"" + registry.address() + "\"]\nusername = dana\npassword = "
                + PASSWORD + "\n", java.nio.file.StandardOpenOption.APPEND);

        Outcome init = scarAsUser("init", "-n", "private", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(scarAsUser("run", "private").out()).contains("(oo)");
    }

    @Test
    void aDockerLoginIsUsedWhenScarCfgHasNone() throws IOException {
        Files.createDirectories(home.resolve("docker"));
        String auth = Base64.getEncoder().encodeToString(("dana:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Files.writeString(home.resolve("docker/config.json"), "{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + auth + "\"}}}");

        Outcome init = scarAsUser("init", "-n", "private", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    @Test
    void withoutALoginInitFailsWithOneLineSayingHowToLogIn() {
        scarAsUser("init", "-n", "private", image)
                .failsWithOneClearLine("needs credentials; log in with docker login " + registry.address()
                        + ", or add a [registry \"" + registry.address() + "\"] section with username and password to scar.cfg");
    }

    @Test
    void aWrongPasswordInScarCfgFailsWithoutShowingIt() throws IOException {
        scarAsUser("ls");
        Files.writeString(home.resolve("scar.cfg"), "\n[registry \"" + registry.address() + "\"]\nusername = dana\npassword = "
                + "not-it-7731\n", java.nio.file.StandardOpenOption.APPEND);

        Outcome init = scarAsUser("init", "-n", "private", image).failsWithOneClearLine("for user 'dana'");
        assertThat(init.err()).doesNotContain("not-it-7731");
    }

    @Test
    void aRegistrySectionWithAnUnknownKeyIsAClearError() throws IOException {
        scarAsUser("ls");
        Files.writeString(home.resolve("scar.cfg"), "\n[registry \"ghcr.io\"]\nuser = dana\npassword = x\n",
                java.nio.file.StandardOpenOption.APPEND);
        // like any scar.cfg mistake, caught when the session opens (ScarMain prints it as one line)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scarAsUser("ls"))
                .isInstanceOf(scar.config.ConfigException.class)
                .hasMessageEndingWith("unknown key 'user' in [registry \"ghcr.io\"]; known keys: password, username");
    }
}
