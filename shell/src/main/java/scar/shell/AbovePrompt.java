package scar.shell;

import org.jline.reader.LineReader;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Prints lines of background work (the bucket watcher's reports) in the interactive shell. While
 * the prompt waits for input, a plain write would land on the prompt line and mix with what the
 * user is typing; JLine's {@link LineReader#printAbove} instead prints the line above the prompt
 * and draws the prompt and the typed text again below it. Without a reader (one-shot mode, before
 * the shell starts) lines go to {@code fallback}.
 */
public final class AbovePrompt implements Consumer<String> {
    private final Supplier<LineReader> reader;
    private final Consumer<String> fallback;

    /** @param reader the shell's line reader, or null when there is none (yet) */
    public AbovePrompt(Supplier<LineReader> reader, Consumer<String> fallback) {
        this.reader = reader;
        this.fallback = fallback;
    }

    @Override
    public void accept(String line) {
        LineReader r = reader.get();
        if (r == null) {
            fallback.accept(line);
            return;
        }
        // also right while a command runs: then it is a plain print to the same terminal
        r.printAbove(line);
    }
}
