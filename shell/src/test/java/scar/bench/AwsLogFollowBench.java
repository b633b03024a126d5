package scar.bench;

import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;
import scar.testing.MotoServer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.iam.IamClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: follow latency of {@code log -f} on the aws target against a moto_server started
 * here. Events are written with PutLogEvents at random moments; for each, the time from the
 * PutLogEvents call to the moment its line is printed by a scar session running {@code log -f}.
 * The baseline is the poll interval (a poller's latency is bounded by it, averaging half of it).
 * Then a burst of events sharing one millisecond, more than a page, must print each exactly once.
 * Run by scripts/bench/aws-log-follow.
 *
 * <p>args: events per interval, then poll intervals in ms (default 1000 250).
 */
public final class AwsLogFollowBench {
    private static final String STREAM = "2026/11/27/[$LATEST]bench0001";
    private static final String GROUP = "/aws/lambda/bench";

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<Integer> intervals = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            intervals.add(Integer.parseInt(args[i]));
        }
        if (intervals.isEmpty()) {
            intervals = List.of(1000, 250);
        }
        Path home = Files.createTempDirectory("scar-bench-awslog-");
        try (MotoServer moto = MotoServer.start(home.resolve("moto"))) {
            CloudWatchLogsClient logs = moto.configure(CloudWatchLogsClient.builder()).build();
            IamClient iam = moto.configure(IamClient.builder()).region(Region.AWS_GLOBAL).build();
            String role = iam.createRole(b -> b.roleName("scar-bench").assumeRolePolicyDocument("{}")).role().arn();
            Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
            environment.put("SCAR_CONFIG_FOLDER", home.toString());
            System.out.printf(Locale.ROOT, "aws log -f against moto_server, %d events per poll interval%n", events);
            System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s %12s %12s %s%n", "poll ms", "p50 ms", "p99 ms",
                    "max ms", "p50/poll", "p99/poll", "lost/dup");
            boolean created = false;
            for (int interval : intervals) {
                Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + moto.endpoint()
                        + "\nlambda_role = " + role + "\nlog_poll_ms = " + interval + "\n");
                Lines lines = new Lines();
                var console = new StandardConsole(new PrintWriter(lines, true), new PrintWriter(new StringWriter(), true), false);
                Session session = new SessionFactory(environment).open(console);
                CommandRunner shell = new CommandRunner(session);
                if (!created) {
                    check(shell.execute(List.of("init", "-n", "bench", "127.0.0.1:5000/bench:1")), "init");
                    logs.createLogGroup(b -> b.logGroupName(GROUP));
                    logs.createLogStream(b -> b.logGroupName(GROUP).logStreamName(STREAM));
                    created = true;
                }
                Thread follower = new Thread(() -> shell.execute(List.of("log", "-f", "bench")), "log -f");
                follower.start();
                Thread.sleep(interval * 2L); // the follower is polling
                Random random = new Random(42);
                Map<String, Long> putAt = new HashMap<>();
                String prefix = "i" + interval + "-";
                for (int i = 0; i < events; i++) {
                    String message = prefix + i;
                    long start = System.nanoTime();
                    putAt.put(message, start);
                    long now = System.currentTimeMillis();
                    logs.putLogEvents(b -> b.logGroupName(GROUP).logStreamName(STREAM)
                            .logEvents(InputLogEvent.builder().timestamp(now).message(message + "\n").build()));
                    Thread.sleep(random.nextInt(Math.max(2, interval / 5)));
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval * 5L + 5000);
                while (lines.count(prefix) < events && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(interval * 2L); // would a line come twice?
                List<Double> latencies = new ArrayList<>();
                int lost = 0;
                for (var entry : putAt.entrySet()) {
                    Long printed = lines.firstAt.get(entry.getKey());
                    if (printed == null) {
                        lost++;
                    } else {
                        latencies.add((printed - entry.getValue()) / 1e6);
                    }
                }
                int duplicates = lines.count(prefix) - (events - lost);
                Collections.sort(latencies);
                double p50 = percentile(latencies, 50);
                double p99 = percentile(latencies, 99);
                System.out.printf(Locale.ROOT, "%-10d %10.0f %10.0f %10.0f %12.2f %12.2f %d/%d%n", interval, p50, p99,
                        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1), p50 / interval, p99 / interval,
                        lost, duplicates);
                // Same millisecond, more events than one FilterLogEvents page (10,000): each printed once.
                if (interval == intervals.get(intervals.size() - 1)) {
                    String burst = "b" + interval + "-";
                    long t = System.currentTimeMillis();
                    int total = 0;
                    long burstStart = System.nanoTime();
                    for (int batch = 0; batch < 12; batch++) {
                        List<InputLogEvent> batchEvents = new ArrayList<>();
                        for (int i = 0; i < 1000; i++) {
                            batchEvents.add(InputLogEvent.builder().timestamp(t).message(burst + (total++) + "\n").build());
                        }
                        logs.putLogEvents(b -> b.logGroupName(GROUP).logStreamName(STREAM).logEvents(batchEvents));
                    }
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (lines.count(burst) < total && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    double seconds = (System.nanoTime() - burstStart) / 1e9;
                    Thread.sleep(interval * 2L);
                    System.out.printf(Locale.ROOT, "burst: %d events in one millisecond (12 PutLogEvents): %d printed, "
                                    + "%d distinct, in order: %s, %.1f s from first put to last line (%.0f lines/s)%n",
                            total, lines.count(burst), lines.distinct(burst), lines.inOrder(burst), seconds,
                            total / seconds);
                }
                follower.interrupt();
                follower.join(30_000);
            }
            logs.close();
            iam.close();
        }
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static void check(int exitCode, String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " failed with exit code " + exitCode);
        }
    }

    /** The follower's stdout: the moment each line is complete. */
    private static final class Lines extends Writer {
        final Map<String, Long> firstAt = new ConcurrentHashMap<>();
        final List<String> all = Collections.synchronizedList(new ArrayList<>());
        private final StringBuilder pending = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (chars[i] == '\n') {
                    String line = pending.toString();
                    pending.setLength(0);
                    firstAt.putIfAbsent(line, System.nanoTime());
                    all.add(line);
                } else {
                    pending.append(chars[i]);
                }
            }
        }

        int count(String prefix) {
            synchronized (all) {
                return (int) all.stream().filter(l -> l.startsWith(prefix)).count();
            }
        }

        int distinct(String prefix) {
            synchronized (all) {
                return (int) all.stream().filter(l -> l.startsWith(prefix)).distinct().count();
            }
        }

        boolean inOrder(String prefix) {
            synchronized (all) {
                int expected = 0;
                for (String line : all) {
                    if (line.startsWith(prefix)) {
                        if (!line.equals(prefix + expected)) {
                            return false;
                        }
                        expected++;
                    }
                }
                return true;
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
