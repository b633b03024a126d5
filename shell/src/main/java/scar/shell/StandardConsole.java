package scar.shell;

import scar.commands.Console;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntSupplier;

/** A console over any pair of writers: stdout/stderr in one-shot mode, the terminal in the shell. */
public record StandardConsole(PrintWriter out, PrintWriter err, boolean interactive, IntSupplier columns) implements Console {

    public StandardConsole(PrintWriter out, PrintWriter err, boolean interactive) {
        this(out, err, interactive, () -> 0);
    }

    @Override
    public int width() {
        return columns.getAsInt();
    }

    static StandardConsole system() {
        return over(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true),
                System.console() != null, System.getenv());
    }

    /**
     * A one-shot command's console, for a caller with {@code environment}: this process, or a
     * client of scar's background process. Tables are cut to $COLUMNS when the shell exports it
     * and a person watches; asking the tty would cost a process per table.
     */
    public static StandardConsole over(PrintWriter out, PrintWriter err, boolean interactive, Map<String, String> environment) {
        int columns = interactive ? columns(environment.get("COLUMNS")) : 0;
        return new StandardConsole(out, err, interactive, () -> columns);
    }

    private static int columns(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
