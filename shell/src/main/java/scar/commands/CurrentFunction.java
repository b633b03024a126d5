package scar.commands;

import picocli.CommandLine;
import scar.target.FunctionNames;

import java.util.List;

/**
 * The rules by which commands fall back to the current function ({@code use NAME}) when no
 * name is given.
 */
final class CurrentFunction {
    private CurrentFunction() {
    }

    /**
     * Picks the function of {@code run} from its words, removing the name from {@code words}.
     * Without a current function the first word is the NAME. With one, the first word is a NAME
     * only if a function of that name exists; otherwise every word is an ARG for the current
     * function ({@code use hello} then {@code run /usr/games/fortune} runs fortune in hello).
     */
    static String forRun(Session session, List<String> words, CommandLine commandLine) {
        String current = session.context().currentFunction().orElse(null);
        if (current == null) {
            if (words.isEmpty()) {
                throw new CommandLine.ParameterException(commandLine,
                        "no function given: run NAME [ARGS...], or set a current one with 'use NAME'");
            }
            return words.remove(0);
        }
        if (!words.isEmpty() && FunctionNames.isValid(words.get(0))
                && session.target().find(words.get(0)).isPresent()) {
            return words.remove(0);
        }
        return current;
    }

    /** The given name, else the current function, else a usage error: {@code problem}, and how to set one. */
    static String orCurrent(Session session, String given, CommandLine commandLine, String problem) {
        if (given != null) {
            return given;
        }
        return session.context().currentFunction().orElseThrow(() -> new CommandLine.ParameterException(commandLine,
                problem + ", or set a current function with 'use NAME'"));
    }
}
