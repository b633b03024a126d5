package scar.exec;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separates proot's own messages from the container's output (both arrive on the same pipe,
 * because the container inherits proot's stderr) and learns from them how tracees ended.
 *
 * <p>proot runs with {@code -v 1} so that it reports every tracee's end; those info lines and
 * its warnings are not the user's output and are dropped. Its errors (e.g. a command not
 * found) are kept: they are the only explanation the user gets.
 */
final class ProotOutput implements LineSplitter.Sink {
    private static final String EXIT = "proot info: pid (\\d+): (exited with status|terminated with signal) (\\d+)";
    private static final Pattern EXIT_LINE = Pattern.compile(EXIT);
    /** A container line without newline followed by proot's report, on one line. */
    private static final Pattern GLUED_EXIT = Pattern.compile("(.*?)" + EXIT);
    /** The second half of a report whose "proot info: " prefix went out in a write of its own. */
    private static final Pattern BARE_EXIT = Pattern.compile("pid (\\d+): (exited with status|terminated with signal) (\\d+)");

    private final Consumer<String> lines;
    private final CappedText collected;
    private final TraceeExits exits;
    private final Runnable onMainEnded;
    private volatile boolean seccompMentioned;
    private volatile String notFound;
    private volatile boolean permissionDenied;
    /**
     * The start of a container line that proot's report of another tracee cut in two
     * ({@code seq | sed}: seq ends while sed is mid-line); the rest comes in the next piece.
     */
    private String held = "";
    /**
     * A "proot info: X" line whose X is not one of proot's reports: proot writes its prefix and
     * its message separately, so a container line may land between them. Decided by the next piece.
     */
    private String suspect;

    ProotOutput(Consumer<String> lines, CappedText collected, TraceeExits exits, Runnable onMainEnded) {
        this.lines = lines;
        this.collected = collected;
        this.exits = exits;
        this.onMainEnded = onMainEnded;
    }

    @Override
    public void piece(String text, boolean newline) {
        if (text.startsWith("proot info: ") || text.startsWith("proot warning: ")) {
            // also the info lines held as suspects below: newer proots explain a seccomp failure in those
            noteProot(text);
        }
        if (suspect != null) {
            String container = suspect;
            suspect = null;
            Matcher bare = BARE_EXIT.matcher(text);
            if (bare.matches()) {
                emit(container, true);
                exited(bare);
                return;
            }
            // it was proot's own line after all: dropped like its other info lines
        }
        if (text.startsWith("proot info: ") && !EXIT_LINE.matcher(text).matches() && !knownInfo(text)) {
            suspect = text.substring("proot info: ".length());
            return;
        }
        if (text.startsWith("proot info: ") || text.startsWith("proot warning: ")) {
            Matcher m = EXIT_LINE.matcher(text);
            if (m.matches()) {
                exited(m);
            }
            return;
        }
        if (text.startsWith("To workaround it, set the env. variable PROOT_NO_SECCOMP")) {
            // the second line of proot's "It seems your kernel contains this bug" note, unprefixed
            seccompMentioned = true;
            return;
        }
        if (text.startsWith("fatal error: see `proot --help`")) {
            return; // refers to proot's command line, which the user never typed
        }
        if (text.startsWith("proot error: ")) {
            noteProot(text);
            if (text.contains(" not found (root = ") || text.contains("No such file or directory")) {
                notFound = text;
            } else if (text.contains("Permission denied")) {
                permissionDenied = true;
            }
        }
        Matcher glued = GLUED_EXIT.matcher(text);
        if (glued.matches() && !glued.group(1).isEmpty()) {
            held += glued.group(1);
            exited(glued);
            return;
        }
        emit(text, newline);
    }

    /** proot's own info lines other than exit reports, as proot 5.1 words them. */
    private static boolean knownInfo(String text) {
        return text.startsWith("proot info: default working directory")
                || text.startsWith("proot info: vpid ")
                || text.startsWith("proot info: ptrace");
    }

    /** A line left without newline when the output ended is still the container's. */
    @Override
    public void end() {
        if (!held.isEmpty()) {
            String rest = held;
            held = "";
            lines.accept(rest);
            collected.append(rest, false);
        }
    }

    private void emit(String piece, boolean newline) {
        String text = held.isEmpty() ? piece : held + piece;
        held = "";
        lines.accept(text);
        collected.append(text, newline);
    }

    private void exited(Matcher m) {
        long pid = Long.parseLong(m.group(m.groupCount() - 2));
        int n = Integer.parseInt(m.group(m.groupCount()));
        int code = m.group(m.groupCount() - 1).startsWith("exited") ? n : 128 + n;
        if (exits.ended(pid, code)) {
            onMainEnded.run();
        }
    }

    private void noteProot(String text) {
        if (text.toLowerCase(Locale.ROOT).contains("seccomp")) {
            seccompMentioned = true;
        }
    }

    boolean seccompMentioned() {
        return seccompMentioned;
    }

    /** Docker's code when the command could not be started: 127 not found, 126 not executable. */
    int startFailureCode(int prootExit) {
        if (notFound != null) {
            return 127;
        }
        return permissionDenied ? 126 : prootExit;
    }
}
