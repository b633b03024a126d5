package scar.commands;

import scar.json.SharedMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.target.FunctionNotFoundException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Invoke a function once and print the container's output.",
        footer = {"", "ARGS after NAME replace the image's command; they are passed on as written.",
                "With a current function (use NAME), the first word is a NAME only if such a function exists;",
                "otherwise all words are ARGS for the current function.", "",
                "Examples:",
                "  run scar-grycap-cowsay",
                "  run hello /usr/games/fortune",
                "  run hello -e A=1 -e B=2 -s show-env.sh",
                "  run hello --json",
                "  run hello -v",
                "  run -es photos            (every file in photos/input/ through the bound function)",
                "  run -es photos thumbs --retry-failed",
                "  run --async -f hello"})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Functions.class,  description = "Function to run (or the first word)")
    String name;

    @Option(names = {"-s", "--script"}, paramLabel = "FILE", description = "Shell script to run in the container")
    Path script;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Environment variable, repeatable")
    List<String> env = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also print the whole response with timings (on stderr; inside the JSON with --json)")
    boolean verbose;

    @Option(names = {"-es", "--event-source"}, paramLabel = "BUCKET", completionCandidates = scar.completion.Candidates.Buckets.class,
            description = "Run once per file in BUCKET's input/ (pending ones; the function bound to it by default)")
    String eventSource;

    @Option(names = "--retry-failed", description = "With -es: rerun only the inputs whose last run failed")
    boolean retryFailed;

    @Option(names = {"-a", "--async"}, description = "Start the invocation and return; its output goes to the log")
    boolean async;

    @Option(names = {"-f", "--follow"}, description = "Run in the background and follow its log until it ends (implies --async)")
    boolean follow;

    @Parameters(paramLabel = "NAME ARGS", completionCandidates = scar.completion.Candidates.Functions.class, description = "Function name, then arguments for the container")
    List<String> words = new ArrayList<>();

    private final Session session;

    public RunCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        List<String> args = new ArrayList<>(words);
        String chosen = name;
        if (eventSource != null) {
            String function = chosen != null || args.isEmpty() ? chosen : args.remove(0);
            return new EventSourceRun(session).run(commandLine, eventSource, function,
                    script == null ? null : ScriptFiles.read(commandLine, session.workingDirectory(), script), args,
                    EnvironmentOptions.parse(commandLine, env), retryFailed, json);
        }
        if (retryFailed) {
            throw new CommandLine.ParameterException(commandLine, "--retry-failed needs a bucket: run -es BUCKET --retry-failed");
        }
        if (chosen == null) {
            chosen = CurrentFunction.forRun(session, args, commandLine);
        }
        String function = chosen;
        InvocationRequest request = new InvocationRequest(UUID.randomUUID().toString(),
                script == null ? null : ScriptFiles.read(commandLine, session.workingDirectory(), script), args,
                EnvironmentOptions.parse(commandLine, env));
        Console console = session.console();
        // An unknown name fails before a request id is printed for an invocation that never ran.
        session.target().find(function).orElseThrow(() -> new FunctionNotFoundException(function));
        if (async || follow) {
            if (json && follow) {
                throw new CommandLine.ParameterException(commandLine, "--json and -f do not go together; "
                        + "use 'run --async --json' and then 'log -f --json -ri REQUEST_ID'");
            }
            return new AsyncRun(session).start(function, request, follow, json);
        }
        if (!json) {
            console.info("Request Id: " + request.requestId());
        }
        // Without --json the output streams as it is written; with it, it comes once, inside the document.
        Consumer<String> live = json ? line -> { } : console::println;
        long started = System.nanoTime();
        InvocationResult result = session.target().invoke(function, request, live);
        long totalMillis = (System.nanoTime() - started) / 1_000_000;
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("LambdaOutput", describe(result));
            if (verbose) {
                document.put("Timings", Map.of("TotalMillis", totalMillis, "FunctionMillis", result.durationMillis()));
            }
            console.println(SharedMapper.get().writeValueAsString(document));
        } else {
            if (result.outputTruncated()) {
                console.info("note: output was cut at the 6 MB response limit; the log has all of it");
            }
            if (result.exitCode() != 0 && !result.timedOut()) {
                console.info("exit code " + result.exitCode());
            }
            if (verbose) {
                Map<String, Object> response = describe(result);
                response.remove("Output");
                response.put("TotalMillis", totalMillis);
                console.info("Response: " + SharedMapper.get().writeValueAsString(response));
            }
            if (result.timedOut()) {
                console.error("function '" + function + "' timed out after " + result.durationMillis() / 1000
                        + " s; raise its timeout with init -t, or lower -tt");
            }
        }
        return result.exitCode();
    }

    private static final java.util.Set<String> OPTIONS_WITH_VALUE = java.util.Set.of("-n", "--name", "-s", "--script", "-e", "--env",
            "-es", "--event-source");

    /**
     * Marks where the container's ARGS begin, so that {@code run NAME -s x.sh} still reads
     * {@code -s} as scar's option while {@code run NAME /usr/bin/perl -w x} passes {@code -w} on:
     * options are scar's until the first word after the function name that is not one.
     */
    static List<String> delimitArguments(List<String> arguments) {
        if (arguments.contains("--")) {
            return arguments;
        }
        boolean nameGiven = arguments.stream().anyMatch(a -> a.equals("-n") || a.equals("--name") || a.startsWith("--name="));
        boolean nameSeen = nameGiven;
        List<String> result = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String word = arguments.get(i);
            if (OPTIONS_WITH_VALUE.contains(word) && i + 1 < arguments.size()) {
                result.add(word);
                result.add(arguments.get(++i));
            } else if (word.startsWith("-") && !word.equals("-")) {
                result.add(word);
            } else if (!nameSeen) {
                result.add(word);
                nameSeen = true;
            } else {
                result.add("--");
                result.addAll(arguments.subList(i, arguments.size()));
                break;
            }
        }
        return result;
    }

    private static Map<String, Object> describe(InvocationResult result) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("RequestId", result.requestId());
        document.put("ExitCode", result.exitCode());
        document.put("TimedOut", result.timedOut());
        document.put("Duration", result.durationMillis());
        document.put("Output", result.output());
        document.put("OutputTruncated", result.outputTruncated());
        return document;
    }
}
