package scar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The machine's processes as tests that look for survivors of a container see them. */
public final class Processes {
    private Processes() {
    }

    /**
     * Every process whose command line matches, as {@code "PID [argv] PPid: N TracerPid: N"}:
     * who its parent and tracer are is what a failure needs to show.
     */
    public static List<String> matching(Predicate<List<String>> argv) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    List<String> args = List.of(Files.readString(p.resolve("cmdline")).split("\0"));
                    if (argv.test(args)) {
                        String links = Files.readAllLines(p.resolve("status")).stream()
                                .filter(line -> line.startsWith("PPid:") || line.startsWith("TracerPid:"))
                                .map(String::strip).reduce((a, b) -> a + " " + b).orElse("");
                        found.add(p.getFileName() + " " + args + " " + links);
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** {@code sleep} processes whose first argument is {@code arg}, or starts with it when {@code prefix}. */
    public static List<String> sleeps(String arg, boolean prefix) {
        return matching(argv -> argv.size() >= 2 && argv.get(0).endsWith("sleep")
                && (prefix ? argv.get(1).startsWith(arg) : argv.get(1).equals(arg)));
    }

    /** Kills what a failing test found, so that it is not left running for hours on the machine. */
    public static void kill(List<String> found) {
        found.forEach(line -> ProcessHandle.of(Long.parseLong(line.substring(0, line.indexOf(' '))))
                .ifPresent(ProcessHandle::destroyForcibly));
    }
}
