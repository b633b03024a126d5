package scar.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a container with proot (ptrace), which needs neither root nor user namespaces: the
 * only way on Lambda.
 *
 * <p>Lines are passed to the consumer from a reader thread, one at a time, in order.
 *
 * <p>What we found with Debian's proot 5.1.0, and how this class copes:
 * <ul>
 *   <li>proot hands its whole environment to the container, so proot gets exactly the
 *       container's environment and nothing else. proot itself needs no variable: it extracts
 *       its loader to /tmp by default. It always sets {@code PWD} to the container's working
 *       directory in the first process (not the host's PWD).</li>
 *   <li>Its own exit status is the last tracee's, and 255 for a signal; the main process's
 *       status is taken from its {@code -v 1} report instead (see {@link TraceeExits}).</li>
 *   <li>It waits for every tracee. Like Docker, once the main process ends the rest are
 *       killed, so a forgotten background job cannot hold the invocation open.</li>
 *   <li>It ignores SIGTERM and killing it alone leaves tracees running: see {@link ProcessTree}.</li>
 *   <li>It outlives scar: a JVM that dies mid-run left proot and its container running, traced,
 *       re-parented to init. A watcher takes it down when scar dies: see {@link ContainerReaper}.</li>
 *   <li>Where seccomp acceleration misbehaves, {@code PROOT_NO_SECCOMP=1} is needed. proot
 *       reads it in its first child just before that child execs the container's command with
 *       the same environment, so proot offers no way to keep it from the container. When a
 *       static busybox is at hand, its {@code env -u PROOT_NO_SECCOMP} starts the command
 *       instead (bound at {@link #ENV_HELPER}, in that mode only): the variable reaches proot
 *       and not the container.</li>
 * </ul>
 */
public final class ProotExecutor implements ContainerExecutor {
    /** Lambda's synchronous response limit. */
    public static final long DEFAULT_OUTPUT_CAP = 6L * 1024 * 1024;
    private static final int MAX_PIECE_BYTES = 64 * 1024;
    private static final int SIGSYS_CODE = 128 + 31;
    /** Where proot extracts its loader: we never set PROOT_TMP_DIR, so its default. */
    private static final Path PROOT_TMP = Path.of("/tmp");
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration LEFTOVER_POLL = Duration.ofMillis(2);
    private static final Duration LEFTOVER_GRACE = Duration.ofMillis(50);
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);
    /** Where the env helper is bound in the container when seccomp is off; busybox picks its applet by this name. */
    static final String ENV_HELPER = "/.scar/busybox";
    static final String NO_SECCOMP = "PROOT_NO_SECCOMP";

    private final List<String> prootCommand;
    private final Optional<Path> setsid;
    /** Then proot needs no -0 to show uid 0, and skips its emulation. */
    private final boolean hostIsRoot;
    private final long outputCap;
    /** A static busybox on the host, to start the command without PROOT_NO_SECCOMP in its environment. */
    private final Optional<Path> envHelper;
    /**
     * Once seccomp trouble is seen, later runs of this executor (one per session or Lambda
     * process) skip straight to the working mode; also set from the start when the user forced it.
     */
    private final AtomicBoolean noSeccomp;
    /**
     * Threads that read proot's output, reused across runs: starting one per run cost more than
     * the rest of the Java side. Daemon threads, ended after a minute idle.
     */
    private final java.util.concurrent.ExecutorService pumps;

    /** proot and setsid found on PATH, 6 MB output cap. */
    public ProotExecutor() {
        this(List.of(ProotExecutorPaths.onPath("proot").orElseThrow(() -> new IllegalStateException(
                "proot not found on PATH: install it (Debian: apt-get install proot)")).toString()),
                DEFAULT_OUTPUT_CAP);
    }

    /** @param proot the proot binary */
    public ProotExecutor(Path proot) {
        this(List.of(proot.toString()), DEFAULT_OUTPUT_CAP);
    }

    /**
     * @param prootCommand how to start proot, e.g. {@code [/opt/lib/ld-linux-x86-64.so.2,
     *                     --library-path, /opt/lib, /opt/bin/proot]} for a bundled proot
     * @param outputCap    bytes of output kept in the result; the rest is still streamed
     */
    public ProotExecutor(List<String> prootCommand, long outputCap) {
        if (prootCommand.isEmpty()) {
            throw new IllegalArgumentException("empty proot command");
        }
        if (outputCap < 0) {
            throw new IllegalArgumentException("negative output cap: " + outputCap);
        }
        this.prootCommand = List.copyOf(prootCommand);
        this.outputCap = outputCap;
        this.envHelper = ProotExecutorPaths.onPath("busybox").filter(StaticElf::isStatic);
        this.noSeccomp = new AtomicBoolean();
        this.pumps = pumpThreads();
        // A new session keeps the terminal's Ctrl-C from the container, but setsid() also makes a
        // new scheduler autogroup: measured +2-7 ms per run on a loaded 2-core machine. Without a
        // controlling terminal (Lambda, batches from scripts, tests) there is no such signal to
        // keep out, and every process is still found by parent and tracer (see ProcessTree).
        this.setsid = hasControllingTerminal() ? ProotExecutorPaths.onPath("setsid") : Optional.empty();
        this.hostIsRoot = "root".equals(System.getProperty("user.name"));
    }

    private ProotExecutor(ProotExecutor base, Optional<Path> envHelper, boolean noSeccomp) {
        this.prootCommand = base.prootCommand;
        this.outputCap = base.outputCap;
        this.setsid = base.setsid;
        this.hostIsRoot = base.hostIsRoot;
        this.envHelper = envHelper;
        this.noSeccomp = new AtomicBoolean(noSeccomp);
        this.pumps = base.pumps;
    }

    /**
     * Threads reused from run to run of a batch, and gone 5 s after the last: scar's background
     * process makes an executor per command, and a cached pool's minute of idling kept dozens.
     */
    private static java.util.concurrent.ExecutorService pumpThreads() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "proot-output-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * This executor with proot's seccomp acceleration off from the first run
     * ({@code PROOT_NO_SECCOMP=1}), for kernels and sandboxes where it misbehaves without
     * proot saying so; slower for syscall-heavy commands.
     */
    public ProotExecutor withoutSeccomp() {
        return new ProotExecutor(this, envHelper, true);
    }

    /**
     * This executor with {@code busybox} (which must be static: it runs inside the container) as
     * the helper that keeps PROOT_NO_SECCOMP out of the container's environment, e.g. one bundled
     * with proot; empty: none, the variable then shows in the container in that mode.
     */
    public ProotExecutor withEnvHelper(Optional<Path> busybox) {
        return new ProotExecutor(this, busybox.filter(StaticElf::isStatic), noSeccomp.get());
    }

    /** Whether runs start with seccomp acceleration off, forced or learnt from an earlier run. */
    public boolean seccompOff() {
        return noSeccomp.get();
    }

    @Override
    public ExecResult run(ContainerSpec spec, Consumer<String> lines) {
        validate(spec);
        long start = System.nanoTime();
        long deadline = start + spec.timeout().toNanos();
        boolean withoutSeccomp = noSeccomp.get();
        Attempt attempt = attempt(spec, lines, withoutSeccomp, deadline);
        if (!withoutSeccomp && attempt.seccompTrouble()) {
            noSeccomp.set(true);
            lines.accept("scar: proot failed with seccomp; retrying with PROOT_NO_SECCOMP=1");
            attempt = attempt(spec, lines, true, deadline);
        }
        return new ExecResult(attempt.exitCode, attempt.timedOut, attempt.output.text(),
                attempt.output.truncated(), Duration.ofNanos(System.nanoTime() - start));
    }

    List<String> command(ContainerSpec spec) {
        return command(spec, false);
    }

    List<String> command(ContainerSpec spec, boolean withoutSeccomp) {
        List<String> cmd = new ArrayList<>();
        // Own session and process group: no terminal signal reaches the container, and
        // processes that escape the parent chain are still found by group or session.
        setsid.ifPresent(s -> cmd.add(s.toString()));
        cmd.addAll(prootCommand);
        cmd.add("-v");
        cmd.add("1");
        cmd.add("-r");
        cmd.add(spec.rootfs().toString());
        for (String host : List.of("/dev", "/proc", "/sys", "/etc/resolv.conf", "/etc/hosts")) {
            if (Files.exists(Path.of(host))) {
                cmd.add("-b");
                cmd.add(host);
            }
        }
        for (Map.Entry<Path, String> bind : spec.binds().entrySet()) {
            cmd.add("-b");
            cmd.add(bind.getKey() + ":" + bind.getValue());
        }
        if (!spec.runsAsRoot()) {
            cmd.add("-i");
            cmd.add(spec.user());
        } else if (!hostIsRoot) {
            cmd.add("-0"); // the container believes it is root, as under Docker
        }
        boolean hideVariable = withoutSeccomp && envHelper.isPresent();
        if (hideVariable) {
            cmd.add("-b");
            cmd.add(envHelper.get() + ":" + ENV_HELPER);
        }
        cmd.add("-w");
        cmd.add(spec.workingDir());
        if (hideVariable) {
            // env execs the command in place (same pid, so proot's report of its end still counts),
            // looking it up on the container's PATH as proot would
            cmd.addAll(List.of(ENV_HELPER, "env", "-u", NO_SECCOMP, "--"));
        }
        cmd.addAll(spec.argv());
        return cmd;
    }

    private Attempt attempt(ContainerSpec spec, Consumer<String> lines, boolean withoutSeccomp, long deadline) {
        ProcessBuilder pb = new ProcessBuilder(command(spec, withoutSeccomp))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        if (withoutSeccomp) {
            pb.environment().put(NO_SECCOMP, "1");
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start proot (" + prootCommand.get(0) + "): " + e.getMessage(), e);
        }
        // So that the container dies with scar, even on SIGKILL; started at the first run, not
        // for a session that runs nothing.
        Optional<ContainerReaper> reaper = ContainerReaper.ofThisJvm();
        reaper.ifPresent(r -> r.watch(process.pid()));
        try {
            ProcessTree tree = new ProcessTree(process.pid(), setsid.isPresent());
            TraceeExits exits = new TraceeExits(process.pid(), ProcessTree::children);
            CappedText output = new CappedText(outputCap);
            AtomicBoolean mainEnded = new AtomicBoolean();
            ProotOutput proot = new ProotOutput(lines, output, exits, () -> mainEnded.set(true));
            java.util.concurrent.Future<?> pump = pumps.submit(() -> pump(process.getInputStream(), proot));

            boolean timedOut = false;
            boolean interrupted = false;
            try {
                timedOut = !awaitEnd(process, tree, mainEnded, deadline);
                if (timedOut) {
                    tree.killAll(false);
                    process.waitFor();
                }
                if (!drained(pump)) {
                    // Something outside proot still holds the pipe (proot died without reaping).
                    tree.killAll(false);
                    drained(pump);
                }
            } catch (InterruptedException e) {
                // The caller gave up (Ctrl-C in the shell): nothing of the container may outlive it.
                tree.killAll(false);
                Thread.currentThread().interrupt();
                interrupted = true;
            }
            if (timedOut || interrupted) {
                removeLoaderCopy(process.pid());
            }
            int exitCode;
            if (timedOut || interrupted) {
                exitCode = 137; // SIGKILL, as Docker and Lambda report it
            } else {
                OptionalInt main = exits.mainCode();
                exitCode = main.isPresent() ? main.getAsInt() : proot.startFailureCode(process.exitValue());
            }
            boolean seccompTrouble = !timedOut && !interrupted && exitCode != 0 && proot.seccompMentioned()
                    && (!exits.any() || exitCode == SIGSYS_CODE);
            return new Attempt(exitCode, timedOut, output, seccompTrouble);
        } finally {
            reaper.ifPresent(r -> r.forget(process.pid()));
        }
    }

    /**
     * Waits for proot to exit; true if it did before the deadline. Once the main process has
     * ended, leftover tracees get a moment (proot usually exits right away) and are then killed.
     */
    private static boolean awaitEnd(Process process, ProcessTree tree, AtomicBoolean mainEnded, long deadline)
            throws InterruptedException {
        boolean leftoversKilled = false;
        long mainEndedAt = 0;
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return !process.isAlive();
            }
            long poll = mainEnded.get() ? LEFTOVER_POLL.toNanos() : POLL.toNanos();
            if (process.waitFor(Math.min(remaining, poll), TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (mainEnded.get() && !leftoversKilled) {
                // Scanning /proc costs milliseconds on a busy machine: skip it while proot, with no
                // child left, is only finishing up. Orphans it still traces are not its children,
                // so after a short grace the scan runs anyway.
                mainEndedAt = mainEndedAt == 0 ? System.nanoTime() : mainEndedAt;
                List<Long> children = ProcessTree.children(process.pid());
                boolean finishing = children != null && children.isEmpty()
                        && System.nanoTime() - mainEndedAt < LEFTOVER_GRACE.toNanos();
                if (!finishing) {
                    tree.killAll(true);
                    leftoversKilled = true;
                }
            }
        }
    }

    /**
     * proot extracts its loader to /tmp/prooted-PID-XXXXXX and removes it when it exits; a
     * killed proot cannot, and on Lambda /tmp outlives invocations.
     */
    private static void removeLoaderCopy(long prootPid) {
        try (var copies = Files.newDirectoryStream(PROOT_TMP, "prooted-" + prootPid + "-*")) {
            for (Path copy : copies) {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            // 9 KB left behind is not worth failing the invocation for.
        }
    }

    private static void pump(InputStream in, ProotOutput sink) {
        try (in) {
            new LineSplitter(MAX_PIECE_BYTES).pump(in, sink);
        } catch (IOException e) {
            // The pipe was closed under us: the run is over, what we have is the output.
        }
    }

    /** Waits a moment for the output to end; false if something still holds the pipe open. */
    private static boolean drained(java.util.concurrent.Future<?> pump) throws InterruptedException {
        try {
            pump.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true; // the sink failed (the caller's consumer threw): the output has ended for us
        }
    }

    private static void validate(ContainerSpec spec) {
        if (spec.argv().isEmpty() || spec.argv().get(0).isEmpty()) {
            throw new IllegalArgumentException("nothing to run: the command is empty");
        }
        if (!spec.workingDir().startsWith("/")) {
            throw new IllegalArgumentException("working directory must be absolute: " + spec.workingDir());
        }
        for (Map.Entry<Path, String> bind : spec.binds().entrySet()) {
            // proot splits a binding at ':'.
            if (bind.getKey().toString().contains(":") || bind.getValue().contains(":")) {
                throw new IllegalArgumentException("a bind path cannot contain ':': " + bind);
            }
        }
    }

    private static boolean hasControllingTerminal() {
        try (var tty = new java.io.FileInputStream("/dev/tty")) {
            return true;
        } catch (IOException | SecurityException e) {
            return false; // ENXIO: no controlling terminal
        }
    }

    private record Attempt(int exitCode, boolean timedOut, CappedText output, boolean seccompTrouble) {
    }
}
