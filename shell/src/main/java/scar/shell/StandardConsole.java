package scar.shell;

import scar.commands.Console;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
        boolean tty = System.console() != null;
        return new StandardConsole(
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true),
                tty, tty ? StandardConsole::columnsOfEnvironment : () -> 0);
    }

    /** $COLUMNS when the shell exports it; asking the tty would cost a process per table. */
    private static int columnsOfEnvironment() {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? 0 : Math.max(0, Integer.parseInt(columns.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
