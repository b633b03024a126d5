package scar.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain HTTP proxy in front of a registry that counts the requests it forwards (to count blob
 * downloads across processes), and can hold a blob download until other requests were seen (to
 * make two clients overlap for sure, without timing).
 */
public final class CountingProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");

    private final String target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> holds = new ConcurrentHashMap<>();

    private CountingProxy(String target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::forward);
        server.start();
    }

    /** Forwards to {@code target} ({@code host:port}, plain http). */
    public static CountingProxy start(String target) {
        return new CountingProxy(target);
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image references that go through the proxy. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** GETs of the blob {@code digest} (under any repository) forwarded so far. */
    public long blobGets(String digest) {
        return requests.stream().filter(r -> r.startsWith("GET ") && r.endsWith("/blobs/" + digest)).count();
    }

    /** Every request forwarded so far, as {@code METHOD PATH}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * Holds any request for the blob {@code digest} until a request whose path contains each of
     * {@code seen} has arrived (at most 60 s).
     */
    public void holdBlobUntil(String digest, List<String> seen) {
        holds.put("/blobs/" + digest, List.copyOf(seen));
    }

    private void forward(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(exchange.getRequestMethod() + " " + path);
        try (exchange) {
            for (var hold : holds.entrySet()) {
                if (path.endsWith(hold.getKey())) {
                    waitFor(hold.getValue());
                }
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + target + path + (query == null ? "" : "?" + query)))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            long length = response.headers().firstValueAsLong("content-length").orElse(-1);
            boolean empty = exchange.getRequestMethod().equals("HEAD") || response.statusCode() == 204 || length == 0;
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : Math.max(length, 0));
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                if (!empty) {
                    in.transferTo(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitFor(List<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !seen.stream().allMatch(s -> requests.stream().anyMatch(r -> r.contains(s)))) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
