package scar.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real AWS API peer for tests: {@code moto_server} (moto 5.2.1) on a free 127.0.0.1 port,
 * started by the test and stopped after it. It serves Lambda, CloudWatch Logs, IAM and S3.
 *
 * <p>Its Lambda has two modes with separate state (see DESIGN.md): the docker mode (default)
 * takes functions with layers but cannot run them here; the simple mode echoes the payload of
 * Invoke, or answers with results queued by {@link #queueLambdaResult}. Helpers here switch
 * between them: a workaround for the peer, never something scar itself does.
 */
public final class MotoServer implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    /** Credentials moto accepts; any value works, these are moto's documented ones. */
    public static final Map<String, String> CREDENTIALS = Map.of(
            "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");

    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    public static MotoServer start(Path dir) {
        MotoServer server = new MotoServer(dir, freePort());
        server.startProcess();
        return server;
    }

    private MotoServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** {@code http://127.0.0.1:PORT}: the endpoint_url of every service. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * An SDK client builder pointed at this server: its endpoint, {@link #REGION}, moto's
     * credentials and the URL-connection HTTP client scar ships. The caller adds what the
     * service needs ({@code forcePathStyle(true)} for S3, {@code Region.AWS_GLOBAL} for IAM)
     * and builds it.
     */
    public <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.endpointOverride(URI.create(endpoint())).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        CREDENTIALS.get("AWS_ACCESS_KEY_ID"), CREDENTIALS.get("AWS_SECRET_ACCESS_KEY"))));
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder;
    }

    /** Forgets every resource and every queued result (~12 ms). */
    public void reset() {
        post("/moto-api/reset", "");
    }

    /** Lambda in docker mode (the default: functions with layers) or simple mode (Invoke echoes). */
    public void lambdaDockerMode(boolean docker) {
        post("/moto-api/config", "{\"lambda\":{\"use_docker\":" + docker + "}}");
    }

    /** The next simple-mode Invoke answers with {@code result} instead of echoing the payload. */
    public void queueLambdaResult(String result) {
        String body = "{\"results\":[" + jsonString(result) + "],\"region\":\"" + REGION + "\"}";
        post("/moto-api/static/lambda-simple/response", body);
    }

    private void post(String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("moto " + path + ": " + e.getMessage() + "; log: " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void startProcess() {
        Path binary = Tools.require("moto_server", "moto (pip: moto[server]==5.2.1, installed in the machine image)");
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(), "-H", "127.0.0.1", "-p",
                    Integer.toString(port)))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("moto.log").toFile());
            // Never the developer's own AWS settings: moto needs none, and tests must not see them.
            builder.environment().keySet().removeIf(key -> key.startsWith("AWS_"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + log());
            }
            if (answers()) {
                return;
            }
            sleep(50);
        }
        close();
        throw new IllegalStateException("moto_server did not answer on " + endpoint() + " within 60 s: " + log());
    }

    private boolean answers() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String log() {
        try {
            String text = Files.readString(dir.resolve("moto.log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server this fixture started, and anything it started. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
