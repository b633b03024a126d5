package scar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real distribution (v2) registry — Debian's {@code docker-registry} — on 127.0.0.1 and a free
 * port, storing blobs in a temp directory that tests can inspect or corrupt.
 */
public final class TestRegistry implements AutoCloseable {
    private final Path dir;
    private final int port;
    /** user:password that the registry requires (HTTP Basic, htpasswd), or null for an open registry. */
    private final String login;
    private Process process;

    /** Starts a registry with its config, log and storage under {@code dir}; returns once /v2/ answers. */
    public static TestRegistry start(Path dir) {
        TestRegistry registry = new TestRegistry(dir, freePort(), null);
        registry.startProcess();
        return registry;
    }

    /**
     * Starts a private registry: every request needs {@code user}/{@code password} (HTTP Basic,
     * checked against a bcrypt htpasswd file made with apache2-utils' {@code htpasswd}).
     */
    public static TestRegistry startPrivate(Path dir, String user, String password) {
        TestRegistry registry = new TestRegistry(dir, freePort(), user + ":" + password);
        registry.startProcess();
        return registry;
    }

    private TestRegistry(Path dir, int port, String login) {
        this.dir = dir;
        this.port = port;
        this.login = login;
    }

    /** {@code user:password} for a private registry (for {@code skopeo --dest-creds}), or null. */
    public String login() {
        return login;
    }

    private String authSection() throws IOException {
        if (login == null) {
            return "";
        }
        int colon = login.indexOf(':');
        Path htpasswd = Tools.require("htpasswd", "apache2-utils");
        String entry = Tools.run(dir, List.of(htpasswd.toString(), "-nbB", login.substring(0, colon), login.substring(colon + 1))).strip();
        Path file = dir.resolve("htpasswd");
        Files.writeString(file, entry + "\n");
        return """
                auth:
                  htpasswd:
                    realm: test-registry
                    path: %s
                """.formatted(file);
    }

    private void startProcess() {
        Path binary = Tools.require("docker-registry", "docker-registry");
        try {
            Files.createDirectories(storage());
            Path config = dir.resolve("registry.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: warn
                      accesslog:
                        disabled: true
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(storage(), port) + authSection());
            process = new ProcessBuilder(List.of(binary.toString(), "serve", config.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + log());
            }
            if (answers()) {
                return;
            }
            sleep(20);
        }
        stop();
        throw new IllegalStateException("docker-registry did not answer on " + address() + " within 15 s: " + log());
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address() + "/v2/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            int code = c.getResponseCode();
            c.disconnect();
            return code == 200 || (login != null && code == 401);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image references. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry's storage root (filesystem driver). */
    public Path storage() {
        return dir.resolve("storage");
    }

    /** Where the registry keeps the bytes of blob {@code sha256:HEX}; overwrite it to corrupt the blob. */
    public Path blobFile(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the registry and waits for it to exit; the storage stays. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
