package scar.lambda;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the handler logs last in a scar invocation: {@code scar: Exit Code: N}, the container's
 * exit code. Lambda's own REPORT line has no room for it (the local log puts it there), and an
 * Event invocation's answer goes nowhere, so this line is how {@code run --async -f} on the aws
 * target learns how the run ended. A container could print the same text; the handler's line
 * comes after all of the container's, so a follower takes the last one before REPORT.
 */
public final class ExitCodeLine {
    private static final String PREFIX = "scar: Exit Code: ";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(PREFIX) + "(-?\\d{1,9})");

    private ExitCodeLine() {
    }

    public static String format(int exitCode) {
        return PREFIX + exitCode;
    }

    /** The exit code a log line carries, if it is such a line (a trailing newline is allowed). */
    public static OptionalInt parse(String line) {
        if (line == null) {
            return OptionalInt.empty();
        }
        Matcher matcher = LINE.matcher(line.stripTrailing());
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }
}
