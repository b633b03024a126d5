package scar.exec;

import java.util.function.Consumer;

/** Runs a container from an unpacked root filesystem, without Docker. */
public interface ContainerExecutor {
    /**
     * Runs {@code spec} to completion or timeout. Each line of output is passed to
     * {@code lines} as soon as it is written (for live logs), and also collected in the result.
     */
    ExecResult run(ContainerSpec spec, Consumer<String> lines);
}
