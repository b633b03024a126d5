package scar.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scar.testing.SharedRegistry;

/**
 * Transient failures between scar and a real registry, made by a small proxy in front of it:
 * 500s, connections dropped mid-body, a body that stalls, a blob that is corrupt.
 */
class RetryTest {
    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String image;

    @TempDir
    Path dir;

    private FaultyProxy proxy;

    @BeforeAll
    static void pushImage() throws IOException {
        image = REGISTRY.images().push(REGISTRY.registry(), "flaky:1");
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** What the proxy does to a request: pass it on, or one of the failures. */
    enum Fault { NONE, HTTP_500, HTTP_429, DROP_MID_BODY, STALL_MID_BODY, CORRUPT }

    interface Plan {
        Fault fault(String path, int nthRequestForPath);
    }

    static final class FaultyProxy implements AutoCloseable {
        final HttpServer server;
        final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final java.util.Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();
        final Plan plan;

        FaultyProxy(Plan plan) throws IOException {
            this.plan = plan;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/", this::serve);
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        long count(Predicate<String> path) {
            return requests.stream().filter(path).count();
        }

        private void serve(HttpExchange x) throws IOException {
            String path = x.getRequestURI().getPath();
            requests.add(path);
            int n = counts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Fault fault = plan.fault(path, n);
            if (fault == Fault.HTTP_500 || fault == Fault.HTTP_429) {
                if (fault == Fault.HTTP_429) {
                    x.getResponseHeaders().add("Retry-After", "1");
                }
                x.sendResponseHeaders(fault == Fault.HTTP_500 ? 500 : 429, -1);
                x.close();
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create("http://" + REGISTRY.registry().address() + x.getRequestURI()));
            String accept = x.getRequestHeaders().getFirst("Accept");
            if (accept != null) {
                forward.header("Accept", accept);
            }
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            for (String h : List.of("Content-Type", "Docker-Content-Digest", "Location", "WWW-Authenticate")) {
                answer.headers().firstValue(h).ifPresent(v -> x.getResponseHeaders().add(h, v));
            }
            byte[] body = answer.body().clone();
            if (fault == Fault.CORRUPT) {
                body[body.length / 2] ^= 0x55;
            }
            x.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = x.getResponseBody()) {
                if (fault == Fault.DROP_MID_BODY || fault == Fault.STALL_MID_BODY) {
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    if (fault == Fault.STALL_MID_BODY) {
                        sleep(5_000);
                    }
                    // closing the exchange short of Content-Length breaks the connection
                    x.getHttpContext().getServer(); // keep the exchange referenced
                    throw new IOException("dropped on purpose");
                }
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isBlob(String path) {
        return path.contains("/blobs/");
    }

    private LocalImageStore store(Retry retry) {
        RegistryClient client = new RegistryClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(20), RegistryClient.hostArchitecture(),
                RegistryCredentials.none(), retry);
        return new LocalImageStore(dir.resolve("cache"), client, 256L << 20);
    }

    private ImageRef viaProxy() {
        return ImageRef.parse(proxy.address() + image.substring(image.indexOf('/')));
    }

    private static final Retry QUICK = new Retry(Duration.ofSeconds(20), Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(1));

    @Test
    void aRegistryThatAnswers500TwiceThenSucceedsIsPulledFrom() throws IOException {
        proxy = new FaultyProxy((path, n) -> n <= 2 ? Fault.HTTP_500 : Fault.NONE);

        Image pulled = store(QUICK).pull(viaProxy());

        assertThat(pulled.rootfs().resolve("usr/games/cowsay")).isRegularFile();
        assertThat(proxy.count(p -> p.contains("/manifests/"))).isEqualTo(3);
    }

    @Test
    void tooManyThrottledAnswersFailOnceTheRetryBudgetIsSpentSayingHowOftenItTried() throws IOException {
        proxy = new FaultyProxy((path, n) -> Fault.HTTP_429);
        Retry budget = new Retry(Duration.ofMillis(1500), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(1));

        long start = System.nanoTime();
        assertThatThrownBy(() -> store(budget).pull(viaProxy()))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("registry " + proxy.address() + " answered HTTP 429 for image " + viaProxy().display() + " after ")
                .hasMessageContaining(" attempts in ");
        // Retry-After: 1 is honoured, so only one or two retries fit in 1.5 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(proxy.requests.size()).isBetween(2, 3);
    }

    @Test
    void aConnectionDroppedMidBlobIsDownloadedAgain() throws IOException {
        // the config blob and the layer blob are each cut off once
        proxy = new FaultyProxy((path, n) -> isBlob(path) && n == 1 ? Fault.DROP_MID_BODY : Fault.NONE);

        Image pulled = store(QUICK).pull(viaProxy());

        assertThat(pulled.rootfs().resolve("bin/busybox")).isRegularFile();
        assertThat(dir.resolve("cache/tmp")).satisfies(t -> assertThat(Files.list(t).toList()).isEmpty());
    }

    @Test
    void aBlobThatStallsIsAbandonedAfterTheStallTimeAndDownloadedAgain() throws IOException {
        AtomicInteger blobs = new AtomicInteger();
        // the first blob is the config, the second the layer: the layer stalls once
        proxy = new FaultyProxy((path, n) -> isBlob(path) && blobs.incrementAndGet() == 2 ? Fault.STALL_MID_BODY : Fault.NONE);

        long start = System.nanoTime();
        Image pulled = store(QUICK).pull(viaProxy());

        assertThat(pulled.rootfs().resolve("bin/busybox")).isRegularFile();
        // one 1 s stall, not the proxy's 5 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCorruptBlobIsNeverRetriedIntoSuccessAndShowsBothDigests() throws IOException {
        AtomicInteger blobs = new AtomicInteger();
        proxy = new FaultyProxy((path, n) -> isBlob(path) && blobs.incrementAndGet() > 1 ? Fault.CORRUPT : Fault.NONE);

        assertThatThrownBy(() -> store(QUICK).pull(viaProxy()))
                .isInstanceOf(ImageException.class)
                .hasMessageMatching("blob of image .* is corrupt: expected sha256:[0-9a-f]{64} but the download has sha256:[0-9a-f]{64}; nothing was cached");
        assertThat(proxy.count(RetryTest::isBlob)).isEqualTo(2);
        assertThat(dir.resolve("cache/images")).satisfies(d -> assertThat(!Files.exists(d) || Files.list(d).findAny().isEmpty()).isTrue());
    }
}
