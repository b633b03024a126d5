package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scar.image.FakeRegistry.Response;

class RegistryClientTest {
    private static final String TOKEN = "tok-123";

    @TempDir
    Path dir;

    private final FakeRegistry registry = new FakeRegistry();
    private final FakeRegistry cdn = new FakeRegistry();

    private final byte[] layer = new TarBuilder().file("hello", "world").gzip();
    private final String layerDigest = Digests.sha256(layer);
    private final byte[] config = ("{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"/hello\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digests.sha256(new TarBuilder().file("hello", "world").tar())
            + "\"]}}").getBytes(StandardCharsets.UTF_8);
    private final String configDigest = Digests.sha256(config);
    private final byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
            + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
            + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    private final String manifestDigest = Digests.sha256(manifest);

    @AfterEach
    void stop() {
        registry.close();
        cdn.close();
    }

    private RegistryClient client(String arch) {
        return new RegistryClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10), arch);
    }

    private ImageRef ref(String tag) {
        return ImageRef.parse(registry.address() + "/team/app:" + tag);
    }

    private void serveImage() {
        registry.route("/v2/team/app/manifests/1", Response.ok(RegistryClient.OCI_MANIFEST, manifest))
                .route("/v2/team/app/manifests/" + manifestDigest, Response.ok(RegistryClient.OCI_MANIFEST, manifest))
                .route("/v2/team/app/blobs/" + configDigest, Response.ok("application/octet-stream", config))
                .route("/v2/team/app/blobs/" + layerDigest, Response.ok("application/octet-stream", layer));
    }

    /** Every registry path answers 401 with a bearer challenge unless the request carries the token. */
    private void requireToken() {
        registry.route("/token", x -> {
            String q = x.getRequestURI().getQuery();
            return q.contains("scope=repository:team/app:pull") && q.contains("service=fake")
                    ? Response.ok("application/json", ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8))
                    : Response.status(400, Map.of());
        });
        Map<String, FakeRegistry.Handler> plain = Map.of(
                "/v2/team/app/manifests/1", x -> Response.ok(RegistryClient.OCI_MANIFEST, manifest),
                "/v2/team/app/blobs/" + configDigest, x -> Response.ok("application/octet-stream", config));
        plain.forEach((path, handler) -> registry.route(path, x -> ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))
                ? handler.handle(x)
                : Response.status(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + registry.address()
                + "/token\",service=\"fake\",scope=\"repository:team/app:pull\""))));
    }

    @Test
    void fetchesTheBearerTokenWithTheRegistrysCredentialsAndSendsThemNowhereElse() {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("carol:tok3n".getBytes(StandardCharsets.UTF_8));
        registry.route("/token", x -> basic.equals(x.getRequestHeaders().getFirst("Authorization"))
                ? Response.ok("application/json", ("{\"access_token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8))
                : Response.status(401, Map.of()));
        Map<String, FakeRegistry.Handler> plain = Map.of(
                "/v2/team/app/manifests/1", x -> Response.ok(RegistryClient.OCI_MANIFEST, manifest),
                "/v2/team/app/blobs/" + configDigest, x -> Response.ok("application/octet-stream", config));
        plain.forEach((path, handler) -> registry.route(path, x -> ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))
                ? handler.handle(x)
                : Response.status(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + registry.address()
                + "/token\",service=\"fake\""))));
        RegistryCredentials login = r -> r.equals(registry.address())
                ? java.util.Optional.of(new RegistryCredential("carol", "tok3n", "test")) : java.util.Optional.empty();
        RegistryClient client = new RegistryClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10), "amd64", login);

        assertThat(client.resolve(ref("1")).id()).isEqualTo(configDigest);
        assertThat(registry.requests).filteredOn(r -> basic.equals(r.authorization()))
                .extracting(FakeRegistry.Request::path).containsOnly("/token");
    }

    @Test
    void resolvesAManifestAndItsConfig() {
        serveImage();
        RemoteImage image = client("amd64").resolve(ref("1"));
        assertThat(image.manifestDigest()).isEqualTo(manifestDigest);
        assertThat(image.id()).isEqualTo(configDigest);
        assertThat(image.config().config().cmd()).containsExactly("/hello");
        assertThat(image.layers()).extracting(Descriptor::digest).containsExactly(layerDigest);
    }

    @Test
    void fetchesAnAnonymousBearerTokenOnChallengeAndRetries() {
        requireToken();
        RemoteImage image = client("amd64").resolve(ref("1"));
        assertThat(image.id()).isEqualTo(configDigest);
        assertThat(registry.requests).anyMatch(r -> r.path().equals("/token"));
        assertThat(registry.requests).filteredOn(r -> r.path().startsWith("/v2/team/app/blobs/"))
                .extracting(FakeRegistry.Request::authorization).containsOnly("Bearer " + TOKEN);
    }

    @Test
    void stillUnauthorizedAfterTheTokenIsAccessDenied() {
        registry.route("/token", Response.ok("application/json", "{\"token\":\"useless\"}".getBytes(StandardCharsets.UTF_8)));
        registry.route("/v2/team/app/manifests/1", Response.status(401, Map.of("WWW-Authenticate",
                "Bearer realm=\"http://" + registry.address() + "/token\",service=\"fake\"")));
        assertThatThrownBy(() -> client("amd64").resolve(ref("1")))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("access denied to image " + ref("1").display());
    }

    @Test
    void blobRedirectToAnotherHostDropsTheToken() throws IOException {
        requireToken();
        cdn.route("/blob", Response.ok("application/octet-stream", layer));
        registry.route("/v2/team/app/blobs/" + layerDigest, Response.status(307,
                Map.of("Location", "http://" + cdn.address() + "/blob?sig=abc")));
        RegistryClient client = client("amd64");
        RemoteImage image = client.resolve(ref("1"));
        Path target = dir.resolve("layer");
        client.download(image.ref(), image.layers().get(0), target);
        assertThat(Digests.sha256(Files.readAllBytes(target))).isEqualTo(layerDigest);
        assertThat(registry.requests).filteredOn(r -> r.path().equals("/v2/team/app/blobs/" + layerDigest))
                .extracting(FakeRegistry.Request::authorization).containsOnly("Bearer " + TOKEN);
        assertThat(cdn.requests).hasSize(1).allMatch(r -> r.authorization() == null);
    }

    @Test
    void endlessRedirectsAreCut() {
        registry.route("/v2/team/app/manifests/1", Response.status(302, Map.of("Location", "/v2/team/app/manifests/1")));
        assertThatThrownBy(() -> client("amd64").resolve(ref("1")))
                .isInstanceOf(ImageException.class).hasMessageContaining("redirected more than 5 times");
    }

    private byte[] index(String... platforms) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_INDEX + "\",\"manifests\":[");
        for (int i = 0; i < platforms.length; i++) {
            String[] p = platforms[i].split("/");
            String digest = p[1].equals("amd64") ? manifestDigest : "sha256:" + String.valueOf(i).repeat(64);
            sb.append(i > 0 ? "," : "").append("{\"mediaType\":\"").append(RegistryClient.OCI_MANIFEST)
                    .append("\",\"digest\":\"").append(digest).append("\",\"size\":1,\"platform\":{\"os\":\"")
                    .append(p[0]).append("\",\"architecture\":\"").append(p[1]).append("\"")
                    .append(p.length > 2 ? ",\"variant\":\"" + p[2] + "\"" : "").append("}}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manifestListResolvesToTheHostArchitecture() {
        serveImage();
        registry.route("/v2/team/app/manifests/multi", Response.ok(RegistryClient.OCI_INDEX,
                index("linux/arm64/v8", "linux/amd64", "unknown/unknown")));
        RemoteImage image = client("amd64").resolve(ref("multi"));
        assertThat(image.manifestDigest()).isEqualTo(manifestDigest);
        assertThat(image.id()).isEqualTo(configDigest);
    }

    @Test
    void manifestListWithoutTheHostArchitectureListsWhatIsAvailable() {
        registry.route("/v2/team/app/manifests/multi", Response.ok(RegistryClient.DOCKER_LIST,
                index("linux/arm64/v8", "linux/arm/v7", "windows/amd64")));
        assertThatThrownBy(() -> client("riscv64").resolve(ref("multi")))
                .isInstanceOf(ImageException.class)
                .hasMessage("image " + ref("multi").display() + " has no linux/riscv64 variant; it is available for: "
                        + "linux/arm64/v8, linux/arm/v7, windows/amd64");
    }

    @Test
    void pullByDigestRejectsAManifestThatDoesNotMatch() {
        String wanted = "sha256:" + "e".repeat(64);
        registry.route("/v2/team/app/manifests/" + wanted, Response.ok(RegistryClient.OCI_MANIFEST, manifest));
        ImageRef pinned = ImageRef.parse(registry.address() + "/team/app@" + wanted);
        assertThatThrownBy(() -> client("amd64").resolve(pinned))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("expected " + wanted)
                .hasMessageContaining(manifestDigest);
    }

    @Test
    void corruptConfigIsRejected() {
        serveImage();
        registry.route("/v2/team/app/blobs/" + configDigest, Response.ok("application/octet-stream", "{}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client("amd64").resolve(ref("1")))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("expected " + configDigest)
                .hasMessageContaining(Digests.sha256("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oversizedBlobIsCutAtItsDeclaredSizeAndRejected() {
        serveImage();
        byte[] longer = new byte[layer.length * 4];
        registry.route("/v2/team/app/blobs/" + layerDigest, Response.ok("application/octet-stream", longer));
        RegistryClient client = client("amd64");
        RemoteImage image = client.resolve(ref("1"));
        Path target = dir.resolve("layer");
        assertThatThrownBy(() -> client.download(image.ref(), image.layers().get(0), target))
                .isInstanceOf(ImageException.class).hasMessageContaining("expected " + layerDigest);
        assertThat(target).doesNotExist();
    }

    @Test
    void serverErrorsNameTheStatusAndTheRegistrysMessage() {
        registry.route("/v2/team/app/manifests/1", new Response(500, Map.of("Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}".getBytes(StandardCharsets.UTF_8)));
        RegistryClient client = new RegistryClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10), "amd64", RegistryCredentials.none(),
                new Retry(Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(5)));
        assertThatThrownBy(() -> client.resolve(ref("1")))
                .hasMessageMatching("registry " + java.util.regex.Pattern.quote(registry.address()) + " answered HTTP 500 for image "
                        + java.util.regex.Pattern.quote(ref("1").display()) + " after [23] attempts in [0-9.]+ s: disk on fire");
    }

    @Test
    void loopbackRegistriesUseHttpAndOthersHttps() {
        assertThat(RegistryClient.base(ImageRef.parse("127.0.0.1:5000/a")).toString()).isEqualTo("http://127.0.0.1:5000/");
        assertThat(RegistryClient.base(ImageRef.parse("localhost/a")).toString()).isEqualTo("http://localhost/");
        assertThat(RegistryClient.base(ImageRef.parse("[::1]:5000/a")).toString()).isEqualTo("http://[::1]:5000/");
        assertThat(RegistryClient.base(ImageRef.parse("grycap/cowsay")).toString()).isEqualTo("https://registry-1.docker.io/");
        assertThat(RegistryClient.base(ImageRef.parse("ghcr.io/a/b")).toString()).isEqualTo("https://ghcr.io/");
    }
}
