package scar.script;

import java.util.List;

/** One command of a script, with the line it starts on for error messages. */
public record ScriptLine(int number, List<String> words) {
    public ScriptLine {
        words = List.copyOf(words);
    }
}
