package scar.invoke;

import java.io.PrintStream;

/**
 * Prints every log line: inside Lambda, stdout is the log (CloudWatch timestamps each line).
 * Whole lines are printed under one lock so that lines of the container and of the runtime,
 * written from different threads, never mix.
 */
public final class PrintingInvocationLog implements InvocationLog {
    private final PrintStream out;

    public PrintingInvocationLog(PrintStream out) {
        this.out = out;
    }

    @Override
    public RequestLog open(FunctionSpec function, String requestId) {
        return line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
    }
}
