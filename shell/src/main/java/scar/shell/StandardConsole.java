package scar.shell;

import scar.commands.Console;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A console over any pair of writers: stdout/stderr in one-shot mode, the terminal in the shell. */
public record StandardConsole(PrintWriter out, PrintWriter err, boolean interactive) implements Console {

    static StandardConsole system() {
        return new StandardConsole(
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true),
                System.console() != null);
    }
}
