package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.TestImages;
import scar.testing.TestRegistry;

/** Pulls from a real docker-registry that requires a login (htpasswd, HTTP Basic). */
class PrivateRegistryTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cr:et-Pa55";

    @TempDir
    static Path shared;
    static TestRegistry registry;
    static String ref;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() throws IOException {
        registry = TestRegistry.startPrivate(Files.createDirectories(shared.resolve("registry")), USER, PASSWORD);
        ref = new TestImages(Files.createDirectories(shared.resolve("images"))).push(registry, "team/private:1");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    private Path dockerConfig(String registryKey, String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("docker/config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"auths\":{\"" + registryKey + "\":{\"auth\":\"" + auth + "\"}},\"credsStore\":\"desktop\"}");
        return file;
    }

    private LocalImageStore store(RegistryCredentials credentials) {
        return new LocalImageStore(dir.resolve("cache"), new RegistryClient(credentials), 256L << 20);
    }

    @Test
    void pullsAPrivateImageWithTheLoginOfDockerConfigJson() throws IOException {
        Path config = dockerConfig("http://" + registry.address() + "/v2/", USER, PASSWORD);
        Path found = DockerConfigCredentials.file(Map.of("DOCKER_CONFIG", config.getParent().toString()), Path.of("/nonexistent"));
        assertThat(found).isEqualTo(config);

        Image image = store(DockerConfigCredentials.load(found)).pull(ImageRef.parse(ref));

        assertThat(image.rootfs().resolve("usr/games/cowsay")).isRegularFile();
    }

    @Test
    void withoutCredentialsThePullIsDeniedWithHowToLogIn() {
        assertThatThrownBy(() -> store(RegistryCredentials.none()).pull(ImageRef.parse(ref)))
                .isInstanceOf(ImageException.class)
                .hasMessage("access denied to image " + ref + " on " + registry.address()
                        + ": the repository does not exist or needs credentials; log in with docker login " + registry.address()
                        + ", or add a [registry \"" + registry.address() + "\"] section with username and password to scar.cfg");
    }

    @Test
    void aWrongPasswordIsDeniedNamingTheUserAndWhereTheLoginCameFromButNeverThePassword() throws IOException {
        Path config = dockerConfig(registry.address(), USER, "wrong-horse-battery");
        assertThatThrownBy(() -> store(DockerConfigCredentials.load(config)).pull(ImageRef.parse(ref)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("for user 'alice' (credentials from " + config + ")")
                .hasMessageContaining("the password is wrong")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-horse-battery")
                        .doesNotContain(Base64.getEncoder().encodeToString(("alice:wrong-horse-battery").getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void dockerHubLoginsAreFoundUnderAnyOfDockerHubsNames() throws IOException {
        Path config = dockerConfig("https://index.docker.io/v1/", "bob", "pw");
        RegistryCredentials credentials = DockerConfigCredentials.load(config);
        assertThat(credentials.find(ImageRef.parse("ubuntu").registry())).map(RegistryCredential::username).contains("bob");
        assertThat(credentials.find("ghcr.io")).isEmpty();
        assertThat(credentials.find(ImageRef.DOCKER_HUB).orElseThrow().toString()).doesNotContain("pw,").contains("password=***");
    }

    @Test
    void aMissingDockerConfigMeansNoCredentialsAndADamagedOneIsAClearError() throws IOException {
        assertThat(DockerConfigCredentials.load(dir.resolve("none.json")).find(registry.address())).isEmpty();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"auths\":{\"x\":{\"auth\":\"not base64 at all!!\"}}}");
        assertThatThrownBy(() -> DockerConfigCredentials.load(bad))
                .hasMessage("an \"auth\" entry in " + bad + " is not base64 of user:password; run docker login again");
    }
}
