import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark of {@code scar log -f} on the local target, against {@code tail -n0 -F} on the same
 * stream file in the same run (the baseline). Run by scripts/bench/log-follow.
 *
 * <ol>
 *   <li>Latency: a container prints 1,000 lines, one every ~10 ms. For each line, the time from
 *       scar's record timestamp (stamped in ms as the runtime receives the line from the
 *       container's pipe) to the moment the follower's output line reaches this harness.</li>
 *   <li>Container burst: {@code seq N | sed}, as fast as the container can: every line must come
 *       once, in order; lines/s at the follower.</li>
 *   <li>Follower capacity: records appended to the stream as fast as this harness can write them
 *       (faster than a container produces): lines/s each follower sustains, with none lost.</li>
 * </ol>
 */
public final class LogFollowBench {
    private static final int LATENCY_LINES = 1000;
    private static final int BURST_LINES = 200_000;
    private static final int SYNTHETIC_LINES = 1_000_000;

    private static Path jar;
    private static Path home;

    public static void main(String[] args) throws Exception {
        jar = Path.of(args[0]);
        Path root = Path.of(args[1]);
        home = Files.createTempDirectory("scar-bench-log-");
        List<Follower> started = new ArrayList<>();
        try {
            run(List.of(root.resolve("scripts/sample-image").toString(), home.resolve("hello.tar").toString()));
            run(scar("init", "-n", "bench", "-if", home.resolve("hello.tar").toString()));
            run(scar("run", "bench", "/bin/true"));
            Path stream;
            try (Stream<Path> files = Files.list(home.resolve("local/logs/bench"))) {
                stream = files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
            }
            Follower scarFollower = new Follower("scar log -f", scar("log", "-f", "bench"), false);
            Follower tail = new Follower("tail -F", List.of("tail", "-n0", "-F", stream.toString()), true);
            List<Follower> followers = List.of(scarFollower, tail);
            started.addAll(followers);
            for (int i = 0; ; i++) {
                String marker = "ready-" + i;
                run(scar("run", "bench", "/bin/echo", marker));
                Thread.sleep(200);
                if (followers.stream().allMatch(f -> f.saw(marker))) {
                    break;
                }
            }

            System.out.printf(Locale.ROOT, "log-follow: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);

            // 1. Latency
            run(scar("run", "bench", "/bin/sh", "-c",
                    "i=0; while [ $i -lt " + LATENCY_LINES + " ]; do echo \"lat $i\"; i=$((i+1)); sleep 0.01; done"));
            for (Follower f : followers) {
                f.await("lat " + (LATENCY_LINES - 1));
            }
            Map<String, Long> written = recordMillis(stream, "lat ");
            System.out.printf("%n1. latency, container line -> printed, %d lines paced ~10 ms apart%n", LATENCY_LINES);
            System.out.printf("%-14s %10s %10s %10s %8s%n", "follower", "p50 ms", "p99 ms", "max ms", "lines");
            Map<String, double[]> stats = new HashMap<>();
            for (Follower f : followers) {
                List<Double> latencies = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                for (Follower.Line line : f.lines()) {
                    if (line.text().startsWith("lat ")) {
                        seen.add(line.text());
                        latencies.add((line.epochMicros() - written.get(line.text()) * 1000) / 1000.0);
                    }
                }
                check(f, seen, "lat ", 0, LATENCY_LINES);
                Collections.sort(latencies);
                double[] s = {percentile(latencies, 50), percentile(latencies, 99), latencies.get(latencies.size() - 1)};
                stats.put(f.name, s);
                System.out.printf(Locale.ROOT, "%-14s %10.1f %10.1f %10.1f %8d%n", f.name, s[0], s[1], s[2], seen.size());
            }
            double[] a = stats.get(scarFollower.name);
            double[] b = stats.get(tail.name);
            System.out.printf(Locale.ROOT, "ratio scar/tail: p50 %.2f, p99 %.2f%n", a[0] / b[0], a[1] / b[1]);

            // 2. Container burst
            followers.forEach(Follower::clear);
            run(scar("run", "bench", "/bin/sh", "-c", "seq " + BURST_LINES + " | sed 's/^/tp /'"));
            for (Follower f : followers) {
                f.await("tp " + BURST_LINES);
            }
            Map<String, Long> burstWritten = recordMillis(stream, "tp ");
            double producedSeconds = (burstWritten.get("tp " + BURST_LINES) - burstWritten.get("tp 1")) / 1000.0;
            System.out.printf(Locale.ROOT, "%n2. container burst: seq %d | sed, written by the container at %.0f lines/s%n",
                    BURST_LINES, BURST_LINES / producedSeconds);
            rates(followers, "tp ", 1, BURST_LINES, burstWritten.get("tp 1") * 1000);

            // 3. Follower capacity
            followers.forEach(Follower::clear);
            long start = epochMicros();
            try (FileOutputStream out = new FileOutputStream(stream.toFile(), true)) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < SYNTHETIC_LINES; i++) {
                    batch.append(System.currentTimeMillis()).append(" bench-synthetic syn ").append(i).append('\n');
                    if (batch.length() > 4000) { // whole records per write, as scar's writers do
                        out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                        batch.setLength(0);
                    }
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            }
            double writeSeconds = (epochMicros() - start) / 1e6;
            for (Follower f : followers) {
                f.await("syn " + (SYNTHETIC_LINES - 1));
            }
            System.out.printf(Locale.ROOT, "%n3. follower capacity: %d records appended in %.2f s (%.0f lines/s)%n",
                    SYNTHETIC_LINES, writeSeconds, SYNTHETIC_LINES / writeSeconds);
            double[] capacity = rates(followers, "syn ", 0, SYNTHETIC_LINES, start);
            System.out.printf(Locale.ROOT, "ratio scar/tail: %.2f%n", capacity[0] / capacity[1]);

            System.out.println();
            scarFollower.interrupt();
        } finally {
            started.forEach(f -> f.process.destroyForcibly());
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Lines/s each follower delivered, from {@code fromMicros} to its last line; checks each line came once, in order. */
    private static double[] rates(List<Follower> followers, String prefix, int first, int count, long fromMicros) {
        System.out.printf("%-14s %12s %10s %s%n", "follower", "lines/s", "seconds", "every line once, in order");
        double[] rates = new double[followers.size()];
        for (int i = 0; i < followers.size(); i++) {
            Follower f = followers.get(i);
            List<String> seen = new ArrayList<>();
            long last = 0;
            for (Follower.Line line : f.lines()) {
                if (line.text().startsWith(prefix)) {
                    seen.add(line.text());
                    last = line.epochMicros();
                }
            }
            boolean ok = check(f, seen, prefix, first, count);
            double seconds = (last - fromMicros) / 1e6;
            rates[i] = count / seconds;
            System.out.printf(Locale.ROOT, "%-14s %12.0f %10.2f %s%n", f.name, rates[i], seconds, ok ? "yes" : "NO");
        }
        return rates;
    }

    private static boolean check(Follower f, List<String> seen, String prefix, int first, int count) {
        for (int i = 0; i < count; i++) {
            if (i >= seen.size() || !seen.get(i).equals(prefix + (first + i))) {
                System.out.printf("%s: line %d is %s, expected %s%n", f.name, i, i < seen.size() ? seen.get(i) : "missing",
                        prefix + (first + i));
                return false;
            }
        }
        if (seen.size() != count) {
            System.out.printf("%s: %d lines, expected %d%n", f.name, seen.size(), count);
            return false;
        }
        return true;
    }

    private static Map<String, Long> recordMillis(Path stream, String prefix) throws IOException {
        Map<String, Long> millis = new HashMap<>();
        try (Stream<String> lines = Files.lines(stream)) {
            lines.forEach(line -> {
                String[] parts = line.split(" ", 3);
                if (parts.length == 3 && parts[2].startsWith(prefix)) {
                    millis.putIfAbsent(parts[2], Long.parseLong(parts[0]));
                }
            });
        }
        return millis;
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static List<String> scar(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static void run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    /** A follower process whose output lines are timestamped as they arrive. */
    private static final class Follower {
        record Line(String text, long epochMicros) {
        }

        final String name;
        final Process process;
        private final List<Line> lines = Collections.synchronizedList(new ArrayList<>());

        Follower(String name, List<String> command, boolean rawRecords) throws IOException {
            this.name = name;
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
            process = builder.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        long at = epochMicros();
                        if (rawRecords) {
                            String[] parts = line.split(" ", 3);
                            line = parts.length == 3 ? parts[2] : line;
                        }
                        lines.add(new Line(line, at));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, name);
            reader.setDaemon(true);
            reader.start();
        }

        boolean saw(String text) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.text().equals(text));
            }
        }

        /** Waits until {@code text} has been printed (it is followed by END and REPORT). */
        void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            int scanned = 0;
            while (true) {
                synchronized (lines) {
                    for (; scanned < lines.size(); scanned++) {
                        if (lines.get(scanned).text().equals(text)) {
                            return;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not print '" + text + "' within 5 minutes");
                }
                Thread.sleep(20);
            }
        }

        List<Line> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        void clear() {
            lines.clear();
        }

        /** Ctrl-C, as a user ends it; it must exit 0. */
        void interrupt() throws Exception {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                System.out.println(name + ": still running 30 s after SIGINT");
            } else {
                System.out.println(name + ": exit " + process.exitValue() + " after SIGINT");
            }
        }
    }
}
