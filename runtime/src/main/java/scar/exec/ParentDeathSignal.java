package scar.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Makes proot take its container down when scar dies, however it dies.
 *
 * <p>Why: proot outlives its parent. When the JVM ends while a container runs (kill -9, the OOM
 * killer, a closed terminal, a test JVM torn down mid-run), proot is re-parented to init and
 * goes on tracing the container's processes, which may run for hours: seen on the test machine
 * as a proot and three {@code sleep}s still alive minutes after the JVM that started them was
 * gone. No shutdown hook runs on SIGKILL, so the kernel has to do it: util-linux's
 * {@code setpriv --pdeathsig ABRT} sets proot's parent-death signal before it execs proot.
 * Not SIGKILL: proot sets no PTRACE_O_EXITKILL, so a SIGKILLed proot leaves its tracees running
 * untraced. On SIGQUIT, SIGILL, SIGABRT, SIGFPE or SIGSEGV proot SIGKILLs every tracee itself
 * (and exits). Not SIGQUIT of those: the JVM blocks SIGQUIT in its threads (it is the
 * thread-dump signal), a child inherits that mask, and proot never unblocks it, so a SIGQUIT
 * would stay pending for ever (measured: the container survived).
 *
 * <p>The signal comes when the <em>thread</em> that started proot ends, not only the process:
 * the executor's calling thread waits for proot to end, so that is the same while a run lasts.
 *
 * <p>Optional: without a setpriv that knows {@code --pdeathsig} (util-linux 2.33 and later; not
 * on Amazon Linux 2, where Lambda freezes and discards the whole sandbox anyway) runs are
 * started as before.
 */
final class ParentDeathSignal {
    static final String SIGNAL = "ABRT";
    private static final byte[] OPTION = "--pdeathsig".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_BINARY_BYTES = 4L * 1024 * 1024;

    private final Path setpriv;

    private ParentDeathSignal(Path setpriv) {
        this.setpriv = setpriv;
    }

    /** setpriv found on PATH, if it has {@code --pdeathsig}. */
    static Optional<ParentDeathSignal> onPath() {
        return ProotExecutorPaths.onPath("setpriv").flatMap(ParentDeathSignal::of);
    }

    /**
     * The given setpriv, if it has {@code --pdeathsig}. Told by the option's name in the binary
     * rather than by running it: one more process per session start costs more than reading it.
     */
    static Optional<ParentDeathSignal> of(Path setpriv) {
        try {
            if (!Files.isRegularFile(setpriv) || Files.size(setpriv) > MAX_BINARY_BYTES) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(setpriv)) {
                return contains(in.readAllBytes(), OPTION) ? Optional.of(new ParentDeathSignal(setpriv)) : Optional.empty();
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The words that go before proot's own command line. */
    List<String> prefix() {
        return List.of(setpriv.toString(), "--pdeathsig", SIGNAL);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
