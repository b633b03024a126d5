package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.completion.Candidates;
import scar.logs.LogQuery;
import scar.logs.LogSource;
import scar.logs.Since;
import scar.target.FunctionNames;
import scar.target.FunctionNotFoundException;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(name = "log", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show what invocations logged: all of a function, one stream or one request; or follow new lines.",
        footer = {"", "Without NAME: every function. A request is shown from its START to its REPORT line.",
                "Follow (-f) ends with Ctrl-C, or with the REPORT line of the request given with -ri.", "",
                "Examples:",
                "  log hello",
                "  log hello --since 10m --filter ERROR",
                "  log -ri 3f2a9c1e-0d4b-4c59-9b1f-6e8d2f4a7c10",
                "  log hello -ls 2026/11/27",
                "  log -f hello",
                "  log hello --json"})
public final class LogCommand implements Callable<Integer> {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", completionCandidates = Candidates.Functions.class,
            description = "Function (or the first word)")
    String name;

    @Option(names = {"-ls", "--log-stream-name"}, paramLabel = "STREAM",
            description = "One log stream, e.g. 2026/11/27/[$LATEST]3f2a... or just 2026/11/27")
    String stream;

    @Option(names = {"-ri", "--request-id"}, paramLabel = "REQUEST_ID", completionCandidates = Candidates.RequestIds.class,
            description = "One invocation, as printed by run (TAB offers the latest)")
    String requestId;

    @Option(names = "--since", paramLabel = "10m|2h|1d|ISO-TIME", description = "Lines written since then")
    String since;

    @Option(names = "--filter", paramLabel = "TEXT", description = "Lines containing TEXT")
    String filter;

    @Option(names = {"-f", "--follow"}, description = "Print new lines as they are written, until Ctrl-C")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = Candidates.Functions.class,
            description = "Function whose logs to show (same as -n)")
    String positionalName;

    private final Session session;

    public LogCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        LogQuery query = query(commandLine);
        LogSource logs = session.target().logs();
        LogPrinter printer = new LogPrinter(session.console(), json, query.function() == null);
        if (!follow) {
            printer.print(logs.read(query));
            return ExitCodes.OK;
        }
        try {
            logs.follow(query, events -> {
                printer.print(events);
                return requestId == null
                        || events.stream().noneMatch(e -> e.isReport() && requestId.equals(e.markedRequestId()));
            });
        } catch (InterruptedException e) {
            // Ctrl-C is how following is meant to end: not a failure.
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private LogQuery query(CommandLine commandLine) {
        if (name != null && positionalName != null) {
            throw new CommandLine.ParameterException(commandLine, "give the function name once: log NAME or log -n NAME");
        }
        String function = name != null ? name : positionalName;
        if (function != null) {
            if (!FunctionNames.isValid(function)) {
                throw new CommandLine.ParameterException(commandLine, FunctionNames.problem(function));
            }
            session.target().find(function).orElseThrow(() -> new FunctionNotFoundException(function));
        }
        if (stream != null && function == null) {
            throw new CommandLine.ParameterException(commandLine, "a log stream belongs to a function: log NAME -ls STREAM");
        }
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            throw new CommandLine.ParameterException(commandLine, "invalid request id '" + requestId
                    + "': use the id run printed (letters, digits and '-')");
        }
        Instant from = null;
        if (since != null) {
            try {
                from = Since.parse(since, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
        }
        return new LogQuery(function, stream, requestId, from, filter);
    }
}
