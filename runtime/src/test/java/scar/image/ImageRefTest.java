package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageRefTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void singleNameIsAnOfficialDockerHubImageWithTagLatest() {
        ImageRef ref = ImageRef.parse("ubuntu");
        assertThat(ref).isEqualTo(new ImageRef("registry-1.docker.io", "library/ubuntu", "latest", null));
        assertThat(ref.display()).isEqualTo("ubuntu:latest");
    }

    @Test
    void userRepositoryOnDockerHub() {
        ImageRef ref = ImageRef.parse("grycap/cowsay");
        assertThat(ref.registry()).isEqualTo(ImageRef.DOCKER_HUB);
        assertThat(ref.repository()).isEqualTo("grycap/cowsay");
        assertThat(ref.tag()).isEqualTo("latest");
        assertThat(ref.display()).isEqualTo("grycap/cowsay:latest");
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:5000/cowsay:1, 127.0.0.1:5000, cowsay, 1, 127.0.0.1:5000/cowsay:1",
            "localhost/a/b, localhost, a/b, latest, localhost/a/b:latest",
            "localhost:5000/a, localhost:5000, a, latest, localhost:5000/a:latest",
            "ghcr.io/owner/img:v1.2-rc_3, ghcr.io, owner/img, v1.2-rc_3, ghcr.io/owner/img:v1.2-rc_3",
            "docker.io/library/busybox:1.36, registry-1.docker.io, library/busybox, 1.36, busybox:1.36",
            "index.docker.io/grycap/cowsay, registry-1.docker.io, grycap/cowsay, latest, grycap/cowsay:latest",
            "[::1]:5000/x:y, [::1]:5000, x, y, [::1]:5000/x:y",
            "Registry.Example.COM/a, registry.example.com, a, latest, registry.example.com/a:latest",
            "my-registry.local:443/team/sub/app__x, my-registry.local:443, team/sub/app__x, latest, my-registry.local:443/team/sub/app__x:latest",
    })
    void registriesAreRecognisedByDotColonOrLocalhost(String text, String registry, String repo, String tag, String display) {
        ImageRef ref = ImageRef.parse(text);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repo);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.display()).isEqualTo(display);
    }

    @Test
    void digestReferencesKeepTheDigestAndNoTag() {
        ImageRef ref = ImageRef.parse("grycap/cowsay@" + DIGEST);
        assertThat(ref.digest()).isEqualTo(DIGEST);
        assertThat(ref.tag()).isNull();
        assertThat(ref.reference()).isEqualTo(DIGEST);
        assertThat(ref.display()).isEqualTo("grycap/cowsay@" + DIGEST);
        ImageRef both = ImageRef.parse("127.0.0.1:5000/x:1@" + DIGEST);
        assertThat(both.tag()).isEqualTo("1");
        assertThat(both.reference()).isEqualTo(DIGEST);
    }

    @Test
    void displayRoundTrips() {
        for (String s : new String[]{"cowsay:latest", "grycap/cowsay:2", "127.0.0.1:5000/a/b:c", "x@" + DIGEST}) {
            assertThat(ImageRef.parse(s).display()).isEqualTo(s);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Ubuntu|must be lowercase",
            "grycap/CowSay|must be lowercase",
            "cowsay:|tag after ':' is empty",
            "cowsay:-x|tag may only contain",
            "cowsay:a/b|registry port 'a'",
            "a//b|empty path component",
            "/abs|empty path component",
            "../../etc/passwd|not a valid host name",
            "x/../../etc/passwd|may only contain a-z",
            "a/./b|may only contain a-z",
            "cowsay@sha256:1234|digest must be sha256",
            "cowsay@md5:0123456789abcdef0123456789abcdef|digest must be sha256",
            "127.0.0.1:99999/x|port '99999'",
            "127.0.0.1:/x|port ''",
            "bad_host.com/x|not a valid host name",
            "a-.com/x|not a valid host name",
            "x..y|may only contain a-z",
            "x--y_|may only contain a-z",
            ":tag|repository name is missing",
            "localhost/|repository name is missing",
    })
    void rejectsInvalidReferencesWithOneLineSayingWhy(String text, String why) {
        assertThatThrownBy(() -> ImageRef.parse(text))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("invalid image reference '" + text + "': ")
                .hasMessageContaining(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cow say", "cowsay\n", "a\u0000b", "c\u00f6wsay", "cowsay;rm -rf /", "$(id)", "`id`", "a\tb"})
    void rejectsHostileCharacters(String text) {
        assertThatThrownBy(() -> ImageRef.parse(text))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("invalid image reference '")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\u0000");
    }

    @Test
    void rejectsEmptyAndOverlongInput() {
        assertThatThrownBy(() -> ImageRef.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageRef.parse(null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageRef.parse("a".repeat(256))).hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> ImageRef.parse("a".repeat(5000))).isInstanceOf(ImageException.class)
                .hasMessageContaining("longer than 512").matches(e -> e.getMessage().length() < 300);
        assertThatThrownBy(() -> ImageRef.parse("x:" + "t".repeat(129))).hasMessageContaining("at most 128");
    }

    @Test
    void pathologicalInputIsRejectedQuickly() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ImageRef.parse("a" + "-".repeat(200) + "_")).isInstanceOf(ImageException.class);
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
