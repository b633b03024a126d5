package scar.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted HTTP server for registry behaviour the real test registry cannot show: bearer
 * challenges, redirects to another host, manifest lists for other platforms.
 */
final class FakeRegistry implements AutoCloseable {
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response ok(String contentType, byte[] body) {
            return new Response(200, Map.of("Content-Type", contentType), body);
        }

        static Response status(int status, Map<String, String> headers) {
            return new Response(status, headers, new byte[0]);
        }
    }

    /** What a request carried, for assertions. */
    record Request(String path, String authorization) {
    }

    interface Handler {
        Response handle(HttpExchange exchange);
    }

    private final HttpServer server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeRegistry() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    FakeRegistry route(String path, Handler handler) {
        routes.put(path, handler);
        return this;
    }

    FakeRegistry route(String path, Response response) {
        return route(path, x -> response);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization")));
        Handler handler = routes.get(path);
        Response response = handler == null
                ? new Response(404, Map.of("Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"not here\"}]}".getBytes(StandardCharsets.UTF_8))
                : handler.handle(exchange);
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (var out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
