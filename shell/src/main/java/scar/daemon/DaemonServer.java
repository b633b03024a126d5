package scar.daemon;

import scar.commands.Console;
import scar.commands.ExitCodes;
import scar.exec.ProcessLaunch;
import scar.shell.ScarMain;
import scar.shell.StandardConsole;
import sun.misc.Signal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background scar: a warm JVM that runs one-shot commands for {@code scar} clients, each in a
 * session of its own, as if the client's process ran it (its folder, its variables, its Ctrl-C).
 * A fresh JVM spends ~0.3 s before a command's first step and runs its code interpreted at first;
 * here both are paid once. It ends when idle, when its scar is rebuilt, when its socket is taken
 * away, or when asked to stop; commands it is running finish first.
 */
public final class DaemonServer {
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    private static final long CHECK_EVERY_MILLIS = 1000;

    private final DaemonAddress address;
    private final Duration idleLimit;
    private final java.util.function.BooleanSupplier outdated;
    private final AtomicInteger conversations = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final Instant started = Instant.now();
    private volatile long lastActiveNanos = System.nanoTime();
    private volatile ServerSocketChannel listening;

    /** @param outdated true once this process's scar was rebuilt (a new client would not find it) */
    DaemonServer(DaemonAddress address, Duration idleLimit, java.util.function.BooleanSupplier outdated) {
        this.address = address;
        this.idleLimit = idleLimit;
        this.outdated = outdated;
    }

    /** {@code DaemonServer FOLDER KEY IDLE_SECONDS}: started by a client, detached, its output to its log. */
    public static void main(String[] args) throws IOException {
        ProcessLaunch.preferVfork();
        // A Ctrl-C or a hang-up meant for the terminal that started it is not for the background scar.
        ignore("INT");
        ignore("HUP");
        DaemonAddress address = new DaemonAddress(Path.of(args[0]), args[1]);
        String classPath = System.getProperty("java.class.path");
        String javaHome = System.getProperty("java.home");
        new DaemonServer(address, Duration.ofSeconds(Long.parseLong(args[2])), () -> {
            try {
                return !DaemonAddress.key(System.getenv(), classPath, javaHome).equals(address.key());
            } catch (IOException e) {
                return true; // its jar is gone
            }
        }).serve();
        System.exit(0);
    }

    private static void ignore(String signal) {
        try {
            Signal.handle(new Signal(signal), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException e) {
            // no such signal here: nothing to ignore
        }
    }

    /** Listens until it should end; returns at once when another background scar has the address. */
    void serve() throws IOException {
        try (FileChannel lockFile = FileChannel.open(address.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                return;
            }
            lockFile.truncate(0).write(ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            Path socket = address.socket();
            Files.deleteIfExists(socket); // left by a background scar that was killed
            Object identity;
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                listening = server;
                identity = identity(socket);
                Thread watchdog = new Thread(() -> watch(identity), "scar-daemon-watchdog");
                watchdog.setDaemon(true);
                watchdog.start();
                acceptUntilClosed(server);
            }
            if (identity != null && identity.equals(identity(socket))) {
                Files.deleteIfExists(socket);
            }
            while (conversations.get() > 0) {
                sleep(50);
            }
            if (outdated.getAsBoolean()) {
                Files.deleteIfExists(address.lock()); // no scar of this build will look for it again
            }
        }
        // an empty log says nothing; one with a crash stays for the user to read
        if (Files.isRegularFile(address.log()) && Files.size(address.log()) == 0) {
            Files.deleteIfExists(address.log());
        }
    }

    /** Null when another background scar holds it (in another process, or, in tests, in this one). */
    private static FileLock tryLock(FileChannel file) throws IOException {
        try {
            return file.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private void acceptUntilClosed(ServerSocketChannel server) throws IOException {
        int number = 0;
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) { // the watchdog or a stop closed it
                return;
            }
            if (!sameUser(client)) {
                client.close();
                continue;
            }
            conversations.incrementAndGet();
            new Thread(() -> converse(client), "scar-client-" + ++number).start();
        }
    }

    /** Only the user who runs this process may have it run commands. */
    private static boolean sameUser(SocketChannel client) {
        try {
            var peer = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * One client: its request runs on a thread of its own, its output goes out through another,
     * and this one reads its Ctrl-Cs. Only the reader and the writer touch the socket: a write
     * by the command's thread, once interrupted, would close it.
     */
    private void converse(SocketChannel client) {
        try (client) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Frames.input(client)));
            Frames.Frame first = Frames.read(in);
            if (first == null) {
                return;
            }
            Outbox outbox = new Outbox();
            Thread writer = new Thread(() -> outbox.drainTo(client), Thread.currentThread().getName() + "-out");
            writer.start();
            Runnable work = switch (first.type()) {
                case Frames.REQUEST -> () -> run(first.body(), outbox);
                case Frames.STOP -> () -> stop(outbox);
                case Frames.STATUS -> () -> status(outbox);
                default -> () -> outbox.put(Frames.exit(ExitCodes.USAGE));
            };
            Thread command = new Thread(work, Thread.currentThread().getName() + "-command");
            command.start();
            Thread reader = new Thread(() -> relayInterrupts(in, command), Thread.currentThread().getName() + "-in");
            reader.setDaemon(true);
            reader.start();
            command.join();
            writer.join();
        } catch (IOException e) {
            // a client that hung up before its request: nothing was started for it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lastActiveNanos = System.nanoTime();
            conversations.decrementAndGet();
        }
    }

    /** A Ctrl-C of the client interrupts its command; so does the client going away (killed, terminal closed). */
    private static void relayInterrupts(DataInputStream in, Thread command) {
        try {
            Frames.Frame frame;
            while ((frame = Frames.read(in)) != null) {
                if (frame.type() == Frames.INTERRUPT) {
                    command.interrupt();
                }
            }
        } catch (IOException e) {
            // closed: by the client, or by us once the command is done
        }
        command.interrupt();
    }

    private void run(byte[] body, Outbox outbox) {
        served.incrementAndGet();
        PrintWriter out = writer(Frames.OUT, outbox);
        PrintWriter err = writer(Frames.ERR, outbox);
        int code;
        try {
            DaemonRequest request = DaemonRequest.fromBody(body);
            Console console = StandardConsole.over(out, err, request.interactive(), request.environment());
            code = ScarMain.runOnce(request.args(), console, request.environment(), request.workingDirectory());
        } catch (IOException e) {
            err.println("error: scar's background process could not read the command: " + e.getMessage()
                    + "; set SCAR_DAEMON=off to run commands without it");
            code = ExitCodes.FAILURE;
        } catch (RuntimeException | Error e) {
            // not a command's failure (those are one line already): keep the trace in the log
            e.printStackTrace();
            err.println("error: scar's background process failed: " + e + "; its log: " + address.log());
            code = ExitCodes.FAILURE;
        }
        out.flush();
        err.flush();
        Thread.interrupted(); // a late Ctrl-C must not cost the exit code its delivery
        outbox.put(Frames.exit(code));
    }

    private void stop(Outbox outbox) {
        int others = conversations.get() - 1;
        PrintWriter out = writer(Frames.OUT, outbox);
        out.println("scar's background process " + ProcessHandle.current().pid() + " stops"
                + (others > 0 ? " once its " + others + " running command(s) end" : "") + ".");
        out.flush();
        closeListening();
        outbox.put(Frames.exit(ExitCodes.OK));
    }

    private void status(Outbox outbox) {
        PrintWriter out = writer(Frames.OUT, outbox);
        out.println("scar's background process " + ProcessHandle.current().pid() + ": up since " + started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ", " + served.get() + " command(s) run, " + (conversations.get() - 1) + " running; socket "
                + address.socket() + ", log " + address.log());
        out.flush();
        outbox.put(Frames.exit(ExitCodes.OK));
    }

    private static PrintWriter writer(byte type, Outbox outbox) {
        return new PrintWriter(new OutputStreamWriter(Frames.frames(type, outbox::put), StandardCharsets.UTF_8), true);
    }

    /** Ends listening when idle long enough, when this scar was rebuilt, or when the socket was removed or replaced. */
    private void watch(Object socketIdentity) {
        while (listening.isOpen()) {
            sleep(CHECK_EVERY_MILLIS);
            boolean idle = conversations.get() == 0;
            if (socketIdentity != null && !socketIdentity.equals(identity(address.socket()))
                    || idle && System.nanoTime() - lastActiveNanos > idleLimit.toNanos()
                    || idle && outdated.getAsBoolean()) {
                closeListening();
            }
        }
    }

    private void closeListening() {
        try {
            listening.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private static Object identity(Path socket) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Objects.requireNonNullElse(attributes.fileKey(), attributes.creationTime());
        } catch (IOException e) {
            return null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Frames on their way to one client, written by one thread. Commands block when the client
     * reads slower than they write (as on a pipe); once the client is gone, frames are dropped.
     */
    private static final class Outbox {
        private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(256);
        private volatile boolean broken;

        void put(byte[] frame) {
            boolean interrupted = false;
            while (true) {
                try {
                    frames.put(frame);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // a Ctrl-C: the output before it still goes out
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void drainTo(SocketChannel client) {
            while (true) {
                byte[] frame;
                try {
                    frame = frames.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (!broken) {
                    try {
                        Frames.writeFully(client, frame);
                    } catch (IOException e) {
                        broken = true;
                    }
                }
                if (frame[0] == Frames.EXIT) {
                    return;
                }
            }
        }
    }
}
