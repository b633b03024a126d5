package scar.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A command whose process takes SIGINT as a terminal's Ctrl-C would reach it. A build started in
 * the background by a script (`mvn test &`) ignores SIGINT, and so does every process it starts:
 * a test of what Ctrl-C does would then wait for nothing.
 */
public final class DefaultSigint {
    private DefaultSigint() {
    }

    public static List<String> command(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        wrapped.addAll(command);
        return wrapped;
    }
}
