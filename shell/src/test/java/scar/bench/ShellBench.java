package scar.bench;

import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.completion.GrammarCompleter;
import scar.invoke.FunctionSpec;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;
import scar.target.LocalFunctionRepository;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cost of a command inside a running shell and of one TAB, with N functions on the local
 * target (run by scripts/bench/startup), and of a TAB into a bucket folder of N keys. Baseline in the
 * same run: an empty {@code config} command.
 */
public final class ShellBench {
    public static void main(String[] args) throws Exception {
        int functions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path home = Files.createTempDirectory("scar-bench-");
        var repository = new LocalFunctionRepository(home.resolve("local").resolve("functions"));
        for (int i = 0; i < functions; i++) {
            repository.create(new FunctionSpec(String.format("fn-%04d", i), "bench/image:1", "sha256:" + "a".repeat(64),
                    128, 300, 10, "", Map.of(), null));
        }
        // as many keys in one folder of a bucket, for 'get -b BUCKET/input/<TAB>' (read at each TAB on local)
        Path input = Files.createDirectories(home.resolve("local/buckets/bench-bucket/input"));
        for (int i = 0; i < functions; i++) {
            Files.writeString(input.resolve(String.format("k-%04d.txt", i)), "x");
        }
        StringWriter sink = new StringWriter();
        var console = new StandardConsole(new PrintWriter(sink), new PrintWriter(sink), false);
        Session session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        CommandRunner runner = new CommandRunner(session);
        GrammarCompleter completer = new GrammarCompleter(CommandRunner.grammar().getCommandSpec(),
                () -> session.context().completion());

        double config = median(50, () -> runner.execute(List.of("config")), sink);
        double use = median(50, () -> runner.execute(List.of("use", "fn-0001")), sink);
        double ls = median(functions > 200 ? 10 : 50, () -> runner.execute(List.of("ls")), sink);
        // the first TAB of a new session, and then a TAB as usual
        long start = System.nanoTime();
        int offered = tab(completer, "run fn-1");
        double firstTab = (System.nanoTime() - start) / 1e6;
        double tab = median(200, () -> tab(completer, "run fn-1"), sink);
        double tabAll = median(200, () -> tab(completer, "run "), sink);

        session.context().bucketChanged("bench-bucket");
        double tabBucket = median(200, () -> tab(completer, "init -es bench"), sink);
        int keys = tab(completer, "get -b bench-bucket/input/k-1");
        double tabKeys = median(50, () -> tab(completer, "get -b bench-bucket/input/k-1"), sink);

        System.out.printf("in-shell (%d functions): config %.2f ms, use %.2f ms, ls %.2f ms (goal <= 20 ms)%n",
                functions, config, use, ls);
        System.out.printf("TAB (%d functions cached): first %.2f ms, 'run fn-1<TAB>' %.3f ms (%d offered), "
                + "'run <TAB>' %.3f ms (goal <= 50 ms)%n", functions, firstTab, tab, offered, tabAll);
        System.out.printf("TAB buckets: 'init -es bench<TAB>' %.3f ms; keys (%d in the folder): "
                + "'get -b bench-bucket/input/k-1<TAB>' %.2f ms (%d offered) (goal <= 50 ms)%n",
                tabBucket, functions, tabKeys, keys);
        System.out.printf("ratio ls/config %.1fx, TAB/config %.2fx%n", ls / config, tab / config);
        System.exit(0);
    }

    private static int tab(GrammarCompleter completer, String line) {
        List<String> words = Arrays.asList(line.split(" ", -1));
        return completer.complete(words, words.size() - 1, words.get(words.size() - 1)).size();
    }

    private static double median(int runs, Runnable action, StringWriter sink) {
        double[] millis = new double[runs];
        // as many warm-up rounds as measured ones: a shell runs warm
        for (int i = 0; i < 2 * runs; i++) {
            long start = System.nanoTime();
            action.run();
            long took = System.nanoTime() - start;
            if (i >= runs) {
                millis[i - runs] = took / 1e6;
            }
            sink.getBuffer().setLength(0);
        }
        Arrays.sort(millis);
        return millis[runs / 2];
    }
}
