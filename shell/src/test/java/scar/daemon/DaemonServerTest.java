package scar.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background scar as its clients see it: commands run as if in the caller's own process
 * (its folder, its variables, its streams, its exit code, its Ctrl-C), on a real socket, with
 * real containers.
 */
class DaemonServerTest {
    @TempDir
    static Path shared;
    static Path image;

    @TempDir
    Path caller;
    Path folder;
    DaemonAddress address;
    CompletableFuture<Void> serving;

    @BeforeAll
    static void buildImage() throws Exception {
        image = shared.resolve("hello.tar");
        Process build = new ProcessBuilder("../scripts/sample-image", image.toString()).redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor()).as(output).isZero();
    }

    @BeforeEach
    void startServer() throws Exception {
        folder = Files.createDirectory(caller.resolve("run"));
        address = new DaemonAddress(folder, "test");
        serving = serve(address, Duration.ofMinutes(5), () -> false);
        awaitTrue(() -> listening(address)); // the socket file exists a moment before it listens
    }

    private static boolean listening(DaemonAddress address) {
        Optional<SocketChannel> probe = DaemonClient.connect(address);
        probe.ifPresent(channel -> {
            try {
                channel.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return probe.isPresent();
    }

    @AfterEach
    void stopServer() throws Exception {
        try (SocketChannel channel = DaemonClient.connect(address).orElse(null)) {
            if (channel != null) {
                Frames.writeFully(channel, Frames.empty(Frames.STOP));
                DaemonClient.playBack(channel, new ByteArrayOutputStream(), new ByteArrayOutputStream());
            }
        }
        serving.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aCommandRunsInTheCallersFolderWithTheCallersConfigFolder() throws Exception {
        Files.writeString(caller.resolve("data.txt"), "some data");
        Map<String, String> environment = Map.of("SCAR_CONFIG_FOLDER", "cfg"); // relative: to the caller's folder

        Outcome put = send(environment, "put", "-b", "bkt/input", "-p", "data.txt");
        Files.delete(caller.resolve("data.txt"));
        Outcome get = send(environment, "get", "-b", "bkt/input/data.txt");

        assertThat(put.code()).as(put.err()).isZero();
        assertThat(caller.resolve("cfg/local/buckets/bkt/input/data.txt")).hasContent("some data");
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(caller.resolve("data.txt")).hasContent("some data");
    }

    @Test
    void resultsAndErrorsKeepTheirStreamsAndTheExitCodeComesBack() throws Exception {
        Map<String, String> environment = Map.of("SCAR_CONFIG_FOLDER", caller.resolve("cfg").toString());

        Outcome missing = send(environment, "rm", "-n", "nope");
        Outcome listing = send(environment, "ls");
        Outcome unknown = send(environment, "frobnicate");

        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).startsWith("error: ").contains("nope").doesNotContain("Exception");
        assertThat(listing.code()).isZero();
        assertThat(listing.out()).startsWith("NAME");
        assertThat(listing.err()).isEmpty();
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'");
    }

    @Test
    void aScriptFileNamedRelativeToTheCallerRunsWithTheCallersVariables() throws Exception {
        Files.writeString(caller.resolve("jobs.scar"), "put -b ${BUCKET}/input -p ${FILE}\nls -b ${BUCKET}/input\n");
        Files.writeString(caller.resolve("one.txt"), "1");
        Map<String, String> environment = Map.of("SCAR_CONFIG_FOLDER", "cfg", "BUCKET", "from-caller", "FILE", "one.txt");

        Outcome script = send(environment, "jobs.scar");

        assertThat(script.code()).as(script.err()).isZero();
        assertThat(script.out()).contains("input/one.txt");
        assertThat(caller.resolve("cfg/local/buckets/from-caller/input/one.txt")).hasContent("1");
    }

    @Test
    void aCtrlCStopsTheRunningContainerAndTheCommandEndsAsInItsOwnProcess() throws Exception {
        Map<String, String> environment = Map.of("SCAR_CONFIG_FOLDER", caller.resolve("cfg").toString());
        assertThat(send(environment, "init", "-n", "fn", "-if", image.toString()).code()).isZero();

        try (SocketChannel channel = DaemonClient.connect(address).orElseThrow()) {
            CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> converse(channel,
                    request(environment, "run", "fn", "/bin/sleep", "60")));
            awaitTrue(() -> containers() > 0);

            DaemonClient.interrupt(channel);

            Outcome stopped = run.get(30, TimeUnit.SECONDS);
            // the killed container's code, as a one-shot scar of its own reports it
            assertThat(stopped.code()).as(stopped.err()).isEqualTo(137);
            assertThat(stopped.err()).contains("exit code 137");
            awaitTrue(() -> containers() == 0);
        }
    }

    @Test
    void aClientThatGoesAwayHasItsContainerStopped() throws Exception {
        Map<String, String> environment = Map.of("SCAR_CONFIG_FOLDER", caller.resolve("cfg").toString());
        assertThat(send(environment, "init", "-n", "fn", "-if", image.toString()).code()).isZero();

        SocketChannel channel = DaemonClient.connect(address).orElseThrow();
        Frames.writeFully(channel, request(environment, "run", "fn", "/bin/sleep", "60").toFrame());
        awaitTrue(() -> containers() > 0);
        channel.close(); // the client was killed, or its terminal closed

        awaitTrue(() -> containers() == 0);
    }

    @Test
    void aSecondServerForTheSameAddressLeavesAtOnceAndTheFirstServesOn() throws Exception {
        CompletableFuture<Void> second = serve(address, Duration.ofMinutes(5), () -> false);

        second.get(10, TimeUnit.SECONDS);
        assertThat(send(Map.of("SCAR_CONFIG_FOLDER", caller.resolve("cfg").toString()), "ls").code()).isZero();
    }

    @Test
    void anIdleServerEndsAndTakesItsSocketAndLogAway() throws Exception {
        DaemonAddress idle = new DaemonAddress(folder, "idle");
        Files.createFile(idle.log());
        CompletableFuture<Void> ending = serve(idle, Duration.ofSeconds(1), () -> false);

        ending.get(30, TimeUnit.SECONDS);
        assertThat(idle.socket()).doesNotExist();
        assertThat(idle.log()).doesNotExist();
        assertThat(DaemonClient.connect(idle)).isEmpty();
    }

    @Test
    void aServerWhoseScarWasRebuiltEndsWhenIdleAndLeavesNoFileBehind() throws Exception {
        DaemonAddress old = new DaemonAddress(folder, "old");
        CompletableFuture<Void> ending = serve(old, Duration.ofMinutes(5), () -> true);

        ending.get(30, TimeUnit.SECONDS);
        assertThat(old.socket()).doesNotExist();
        assertThat(old.lock()).doesNotExist();
    }

    @Test
    void aServerWhoseSocketWasRemovedEnds() throws Exception {
        Files.delete(address.socket());

        serving.get(30, TimeUnit.SECONDS);
    }

    @Test
    void statusSaysWhatItServedAndStopEndsIt() throws Exception {
        send(Map.of("SCAR_CONFIG_FOLDER", caller.resolve("cfg").toString()), "ls");

        String status = ask(Frames.STATUS);
        String stop = ask(Frames.STOP);

        assertThat(status).contains("scar's background process " + ProcessHandle.current().pid(), "1 command(s) run");
        assertThat(stop).contains("stops");
        serving.get(30, TimeUnit.SECONDS);
        assertThat(address.socket()).doesNotExist();
    }

    private String ask(byte question) throws IOException {
        try (SocketChannel channel = DaemonClient.connect(address).orElseThrow()) {
            Frames.writeFully(channel, Frames.empty(question));
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            assertThat(DaemonClient.playBack(channel, text, text)).isZero();
            return text.toString(StandardCharsets.UTF_8);
        }
    }

    private static CompletableFuture<Void> serve(DaemonAddress address, Duration idle, BooleanSupplier outdated) {
        return CompletableFuture.runAsync(() -> {
            try {
                new DaemonServer(address, idle, outdated).serve();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, runnable -> new Thread(runnable, "test-daemon-" + address.key()).start());
    }

    record Outcome(int code, String out, String err) {
    }

    private DaemonRequest request(Map<String, String> environment, String... args) {
        return new DaemonRequest(List.of(args), caller, environment, false);
    }

    private Outcome send(Map<String, String> environment, String... args) throws IOException {
        try (SocketChannel channel = DaemonClient.connect(address).orElseThrow()) {
            return converse(channel, request(environment, args));
        }
    }

    private static Outcome converse(SocketChannel channel, DaemonRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            int code = DaemonClient.converse(channel, request, out, err);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Container processes (proot and what runs under it) this JVM started. */
    private static long containers() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("proot") || c.endsWith("sleep")).orElse(false))
                .count();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
