package scar.daemon;

import scar.shell.OneShotInterrupts;
import scar.shell.ScarMain;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code scripts/scar} starts for a one-shot command: hands the command line to the
 * background scar that fits this caller (starting one if none runs) and plays back its output,
 * Ctrl-C and exit code, so that the command behaves as if this process ran it. Without a usable
 * background scar (turned off, no private folder, it cannot start) the command runs here, as before.
 */
public final class DaemonClient {
    /** How long a starting background scar may take to listen before the command runs here instead. */
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    private DaemonClient() {
    }

    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        // The interactive shell owns the terminal; 'daemon stop' must not start one to stop it.
        if (args.length == 0 || args[0].equals("daemon") || !enabled(environment)) {
            ScarMain.main(args);
            return;
        }
        if (System.getProperty(SELECTOR_PROVIDER) == null && System.getProperty("os.name").equals("Linux")) {
            // Named, the provider is not searched for in the services of every jar of the class
            // path (~95 of them): ~20 ms of a command that otherwise takes ~80
            System.setProperty(SELECTOR_PROVIDER, "sun.nio.ch.EPollSelectorProvider");
        }
        Optional<DaemonAddress> address = DaemonAddress.forThisJvm(environment);
        Optional<SocketChannel> channel = address.isPresent() ? connectOrStart(address.get(), environment) : Optional.empty();
        if (channel.isEmpty()) {
            ScarMain.main(args);
            return;
        }
        DaemonRequest request = new DaemonRequest(List.of(args), Path.of("").toAbsolutePath(), environment,
                System.console() != null);
        System.exit(converse(channel.get(), request, address.get()));
    }

    /** {@code SCAR_DAEMON=off} (or 0, false, no) runs every command in its own process. */
    static boolean enabled(Map<String, String> environment) {
        String value = environment.getOrDefault("SCAR_DAEMON", "on").strip().toLowerCase(java.util.Locale.ROOT);
        return !(value.equals("off") || value.equals("0") || value.equals("false") || value.equals("no"));
    }

    static Optional<SocketChannel> connect(DaemonAddress address) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(address.socket()));
                return Optional.of(channel);
            } catch (IOException e) {
                channel.close();
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<SocketChannel> connectOrStart(DaemonAddress address, Map<String, String> environment) {
        Optional<SocketChannel> channel = connect(address);
        if (channel.isPresent()) {
            return channel;
        }
        Optional<Process> started = start(address, environment);
        if (started.isEmpty()) {
            return channel;
        }
        long deadline = System.nanoTime() + START_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return Optional.empty();
            }
            channel = connect(address);
            if (channel.isPresent()) {
                return channel;
            }
            // ended with 0: another client's background scar won the address, and is about to listen
            if (!started.get().isAlive() && started.get().exitValue() != 0) {
                break;
            }
        }
        printError("warning: scar's background process did not start (its log: " + address.log()
                + "); this command runs in a JVM of its own");
        return Optional.empty();
    }

    /**
     * Starts a background scar in a session of its own (setsid: the terminal's Ctrl-C and hang-up
     * do not reach it), with this JVM's class path.
     */
    private static Optional<Process> start(DaemonAddress address, Map<String, String> environment) {
        // C1 alone, as in the interactive shell: a batch runs at full speed from its first file,
        // where with C2 it took several batches to catch up (200 files, second command: 1.9 s
        // against 2.4 s). The launcher runs 'init', mostly a pull, in a JVM of its own, with C2 for
        // SHA-256. It also names the archive of scar's classes.
        List<String> command = new ArrayList<>(List.of("setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        String archive = System.getProperty("scar.daemon.archive");
        if (archive != null && !archive.isBlank()) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:disable"));
        }
        String options = environment.get("SCAR_DAEMON_JAVA_OPTS"); // e.g. a heap limit: -Xmx1g
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.strip().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DaemonServer.class.getName(),
                address.folder().toString(), address.key(), Long.toString(idleSeconds(environment))));
        try {
            return Optional.of(new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(address.log().toFile()))
                    .redirectErrorStream(true)
                    .start());
        } catch (IOException e) {
            return Optional.empty(); // no setsid, or no java where this one runs: the command runs here
        }
    }

    /** {@code SCAR_DAEMON_IDLE_SECONDS}: how long an unused background scar stays (default 30 minutes). */
    static long idleSeconds(Map<String, String> environment) {
        try {
            long seconds = Long.parseLong(environment.getOrDefault("SCAR_DAEMON_IDLE_SECONDS", "").strip());
            return seconds > 0 ? seconds : DaemonServer.DEFAULT_IDLE.toSeconds();
        } catch (NumberFormatException e) {
            return DaemonServer.DEFAULT_IDLE.toSeconds();
        }
    }

    /** Sends the request, then plays back what comes until the exit code; a Ctrl-C is passed on. */
    private static int converse(SocketChannel channel, DaemonRequest request, DaemonAddress address) {
        try {
            forwardInterrupts(channel);
            return converse(channel, request, new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err));
        } catch (IOException e) {
            return lost(address);
        }
    }

    static int converse(SocketChannel channel, DaemonRequest request, OutputStream out, OutputStream err) throws IOException {
        Frames.writeFully(channel, request.toFrame());
        return playBack(channel, out, err);
    }

    /** What a Ctrl-C sends: the command is interrupted as a one-shot scar's own would be. */
    static void interrupt(SocketChannel channel) throws IOException {
        Frames.writeFully(channel, Frames.empty(Frames.INTERRUPT));
    }

    static int playBack(SocketChannel channel, OutputStream out, OutputStream err) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Frames.input(channel)));
        Frames.Frame frame;
        while ((frame = Frames.read(in)) != null) {
            switch (frame.type()) {
                case Frames.OUT -> out.write(frame.body());
                case Frames.ERR -> err.write(frame.body());
                case Frames.EXIT -> {
                    out.flush();
                    err.flush();
                    return ByteBuffer.wrap(frame.body()).getInt();
                }
                default -> {
                    // a frame of a later scar: not for this one
                }
            }
        }
        throw new java.io.EOFException("no exit code");
    }

    private static int lost(DaemonAddress address) {
        printError("error: scar's background process ended before the command did (its log: " + address.log()
                + "); run the command again, or set SCAR_DAEMON=off to run commands without it");
        return scar.commands.ExitCodes.FAILURE;
    }

    private static void printError(String line) {
        new PrintStream(new FileOutputStream(FileDescriptor.err), true).println(line);
    }

    /**
     * Ctrl-C as a one-shot scar of its own takes it: the first is passed on (the command stops
     * cleanly, its containers killed); without an end within the grace period, or at a second
     * Ctrl-C, scar exits with 130 and the background scar finishes the cleanup.
     */
    private static void forwardInterrupts(SocketChannel channel) {
        OneShotInterrupts.install(new Runnable() {
            @Override
            public void run() {
                try {
                    interrupt(channel);
                } catch (IOException e) {
                    Runtime.getRuntime().halt(130);
                }
            }
        });
    }
}
