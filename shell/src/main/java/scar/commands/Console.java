package scar.commands;

import java.io.PrintWriter;

/**
 * Where commands write: results on {@code out}, diagnostics on {@code err}.
 * The shell binds it to its terminal, one-shot mode to stdout/stderr, tests to buffers.
 */
public interface Console {
    PrintWriter out();

    PrintWriter err();

    /** True when a person is watching (colours, progress bars); false for pipes and files. */
    boolean interactive();

    /** Columns of the terminal, or 0 when output is not a terminal (then tables are never cut). */
    default int width() {
        return 0;
    }

    default void println(String line) {
        out().println(line);
        out().flush();
    }

    default void info(String line) {
        err().println(line);
        err().flush();
    }

    default void error(String message) {
        err().println("error: " + message);
        err().flush();
    }
}
