package scar.shell;

import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;

/**
 * How the interactive shell splits a line into words: JLine's own parser, whose lines tell JLine
 * how to escape a completed word. A TAB that completes a key or path holding a space
 * ({@code ls -b photos/input/cat 1.jpg}) then inserts {@code cat\ 1.jpg} (or closes an opened
 * quote), and the word reaches the command whole. Spring Shell's default parser cannot say this
 * to JLine: its completions went in raw and split in two at the space.
 */
final class ShellParser {
    private ShellParser() {
    }

    static Parser create() {
        DefaultParser parser = new DefaultParser();
        // As Spring Shell's: an open quote or a trailing backslash continues the line on Enter.
        parser.setEofOnUnclosedQuote(true);
        parser.setEofOnEscapedNewLine(true);
        return parser;
    }
}
