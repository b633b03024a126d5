package scar.commands;

import picocli.CommandLine;
import scar.config.ConfigException;
import scar.image.ImageException;
import scar.target.TargetException;

import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs one scar command line against a session: the same path for one-shot mode,
 * the interactive shell and .scar scripts. Turns every failure into one line and an exit code.
 */
public final class CommandRunner {
    private final Session session;
    private Throwable lastError;
    /**
     * The grammar by verb ("" for the whole of it), each built at its first use and reused for the
     * session: building picocli's model costs more than most commands do (picocli resets every
     * option to its initial value on each parse).
     */
    private final java.util.Map<String, CommandLine> commandLines = new java.util.HashMap<>();

    public CommandRunner(Session session) {
        this.session = session;
    }

    /** Names of scar's own commands, which the shell hands to this runner. */
    public static Set<String> commandNames() {
        return ScarCommand.BY_NAME.keySet();
    }

    /** {@code --target}, {@code --profile}, {@code --region} (or {@code --x=value}): one command's override, in front of it. */
    public static boolean isGlobalOption(String word) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        return GlobalOptions.NAMES.contains(name);
    }

    /** scar's grammar without a session, for completion and for generating the bash/zsh scripts. */
    public static CommandLine grammar() {
        return grammar(new NoSessionFactory(), ScarCommand.COMMANDS);
    }

    /**
     * The grammar {@code scar WORD --help} or {@code scar --version} needs: that verb alone under
     * the root, the root alone for the version, the whole grammar for the root's help.
     */
    public static CommandLine grammarFor(String firstWord) {
        if (ScarCommand.BY_NAME.containsKey(firstWord)) {
            return grammar(new NoSessionFactory(), List.of(ScarCommand.BY_NAME.get(firstWord)));
        }
        if (firstWord.equals("--version") || firstWord.equals("-V")) {
            return grammar(new NoSessionFactory(), List.of());
        }
        return grammar();
    }

    /** The root command with these verbs under it. */
    private static CommandLine grammar(CommandLine.IFactory factory, List<Class<?>> commands) {
        CommandLine root = new CommandLine(ScarCommand.class, factory);
        for (Class<?> command : commands) {
            root.addSubcommand(new CommandLine(command, factory));
        }
        return root;
    }

    /** Each command's name and one-line description, in the order of the grammar. */
    public static java.util.Map<String, String> commandDescriptions() {
        java.util.Map<String, String> descriptions = new java.util.LinkedHashMap<>();
        grammar().getSubcommands().forEach((name, sub) ->
                descriptions.put(name, String.join(" ", sub.getCommandSpec().usageMessage().description())));
        return descriptions;
    }

    public int execute(List<String> words) {
        GlobalOptions global;
        try {
            global = GlobalOptions.parse(words);
        } catch (IllegalArgumentException e) {
            session.console().error(e.getMessage());
            return ExitCodes.USAGE;
        }
        if (!global.any()) {
            return executeCommand(words);
        }
        boolean aws = global.target() != null ? !global.target().equals("local") : !session.context().key().isLocal();
        if (!aws && (global.profile() != null || global.region() != null)) {
            session.console().error("--profile and --region apply to the aws target: add --target aws, "
                    + "or switch with 'target aws'");
            return ExitCodes.USAGE;
        }
        if (global.command().isEmpty()) {
            session.console().error("give a command after " + String.join(" ", words) + ", e.g. "
                    + String.join(" ", words) + " ls");
            return ExitCodes.USAGE;
        }
        try (var restore = session.context().overrideFor(global.target(), global.profile(), global.region())) {
            return executeCommand(global.command());
        } catch (RuntimeException e) {
            // the target could not be built (e.g. a bad region): one line, like any command's failure
            lastError = e;
            session.console().error(describe(e));
            return ExitCodes.FAILURE;
        }
    }

    private int executeCommand(List<String> words) {
        List<String> arguments = new ArrayList<>(words);
        if (!arguments.isEmpty() && arguments.get(0).equals("run")) {
            List<String> rest = RunCommand.delimitArguments(arguments.subList(1, arguments.size()));
            arguments = new ArrayList<>(rest);
            arguments.add(0, "run");
        }
        String verb = arguments.isEmpty() ? null : arguments.get(0);
        CommandLine commandLine = commandLines.computeIfAbsent(ScarCommand.BY_NAME.containsKey(verb) ? verb : "",
                this::newCommandLine);
        return commandLine.execute(arguments.toArray(String[]::new));
    }

    /** The exception behind the last failure, for the {@code stacktrace} command. */
    public Throwable lastError() {
        return lastError;
    }

    /**
     * The grammar for a command line starting with {@code verb}: the root with that verb alone
     * under it, or with all of them when it is none of them (an unknown word, an option, help).
     */
    private CommandLine newCommandLine(String verb) {
        Console console = session.console();
        CommandLine commandLine = grammar(new SessionFactory(session),
                verb.isEmpty() ? ScarCommand.COMMANDS : List.of(ScarCommand.BY_NAME.get(verb)));
        commandLine.setOut(console.out());
        commandLine.setErr(console.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((exception, args) -> {
            lastError = exception;
            CommandLine failed = exception.getCommandLine();
            if (failed.getCommandName().equals("scar") && exception instanceof CommandLine.UnmatchedArgumentException unmatched
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                // one line: the unknown word and what would have worked
                console.error("unknown command '" + unmatched.getUnmatched().get(0) + "'; commands: "
                        + String.join(", ", failed.getSubcommands().keySet()) + " (scar --help for more)");
                return ExitCodes.USAGE;
            }
            console.error(exception.getMessage());
            String command = failed.getCommandName().equals("scar") ? "" : failed.getCommandName() + " ";
            console.info("Try '" + command + "--help' for usage.");
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            lastError = exception;
            if (exception instanceof CommandLine.ParameterException parameterException) {
                console.error(parameterException.getMessage());
                console.info("Try '" + failed.getCommandName() + " --help' for usage.");
                return ExitCodes.USAGE;
            }
            console.error(describe(exception));
            return ExitCodes.FAILURE;
        });
        return commandLine;
    }

    private static String describe(Exception exception) {
        if (exception instanceof TargetException || exception instanceof ImageException
                || exception instanceof ConfigException || exception instanceof scar.invoke.InvocationException
                || exception instanceof scar.storage.StorageException) {
            return exception.getMessage();
        }
        if (exception instanceof InterruptedException) {
            return "cancelled";
        }
        if (exception instanceof UncheckedIOException io) {
            // scar's own say what was being done and why ("cannot stage KEY in DIR: reason"); one
            // made of a bare IOException (the JDK's streams) only repeats its cause's class and message
            String message = io.getMessage();
            return message == null || message.equals(String.valueOf(io.getCause())) ? io.getCause().getMessage() : message;
        }
        // Not a failure we foresaw: still one line; 'stacktrace' shows the rest.
        String message = exception.getMessage();
        return exception.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + " (type 'stacktrace' in the shell for details)";
    }

    /** Builds command objects with the session passed to their constructor. */
    private record SessionFactory(Session session) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Session.class);
                return constructor.newInstance(session);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    private static final class NoSessionFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return new SessionFactory(null).create(type);
        }
    }
}
