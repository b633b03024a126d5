package scar.shell;

import scar.commands.CommandRunner;
import scar.commands.Console;
import scar.commands.ExitCodes;
import scar.commands.Session;
import scar.config.ConfigException;
import scar.exec.ProcessLaunch;
import scar.script.ScriptRunner;
import scar.script.Shebang;

import java.nio.file.Path;
import java.util.List;

/**
 * Entry point. With no arguments scar opens the interactive shell (Spring Shell);
 * with a command it runs just that command, and with a {@code .scar} file or {@code @FILE}
 * it runs the file. Those two modes do not start Spring: a one-shot command should cost
 * a JVM start, not an application context (SCAR's own CLI takes ~0.5 s per command).
 */
public final class ScarMain {
    private ScarMain() {
    }

    public static void main(String[] args) {
        ProcessLaunch.preferVfork(); // before anything starts a process (JLine does)
        if (args.length == 0) {
            // A broken scar.cfg is one line here, not a failed Spring context. Only the file is
            // checked: the session itself is opened once, by Spring, with the terminal's console.
            try {
                new SessionFactory(System.getenv()).checkConfig();
            } catch (ConfigException e) {
                StandardConsole.system().error(e.getMessage());
                System.exit(ExitCodes.FAILURE);
            }
            ScarShellApplication.start(args);
            return;
        }
        OneShotInterrupts.install(Thread.currentThread()::interrupt);
        System.exit(runOnce(List.of(args), StandardConsole.system()));
    }

    static int runOnce(List<String> args, Console console) {
        return runOnce(args, console, System.getenv());
    }

    static int runOnce(List<String> args, Console console, java.util.Map<String, String> environment) {
        return runOnce(args, console, environment, Path.of("").toAbsolutePath());
    }

    /**
     * One command (or one script) in a session of its own, for a caller in {@code workingDirectory}
     * with {@code environment}: this process's own, or those of a client of scar's background process.
     */
    public static int runOnce(List<String> args, Console console, java.util.Map<String, String> environment,
                              Path workingDirectory) {
        if (isHelpOrVersion(args)) {
            // no session: help and version need neither scar.cfg nor a target, so they start fastest
            picocli.CommandLine grammar = CommandRunner.grammarFor(args.get(0));
            grammar.setOut(console.out());
            grammar.setErr(console.err());
            int code = grammar.execute(args.toArray(String[]::new));
            console.out().flush();
            return code;
        }
        Session session;
        try {
            session = new SessionFactory(environment, workingDirectory).open(console, args.contains("--json"));
        } catch (ConfigException e) {
            console.error(e.getMessage());
            return ExitCodes.FAILURE;
        }
        CommandRunner runner = new CommandRunner(session);
        String first = args.get(0);
        // Closing the targets waits for invocations started with run --async, on the session's
        // target and on any one-command override (--target local …) alike, and frees AWS clients.
        try {
            // a word that is a command stays a command, even if a file of that name is around
            if (ScriptRunner.isScriptArgument(first)
                    || !CommandRunner.commandNames().contains(first) && Shebang.isScarScript(first, workingDirectory)) {
                Path file = workingDirectory.resolve(first.startsWith("@") ? first.substring(1) : first);
                return new ScriptRunner(runner, console, environment).run(file, args.subList(1, args.size()));
            }
            return runner.execute(args);
        } finally {
            session.context().closeTargets();
        }
    }

    private static final java.util.Set<String> HELP_OR_VERSION = java.util.Set.of("--help", "-h", "--version", "-V");

    /** {@code scar --version}, {@code scar --help}, {@code scar COMMAND --help} (not {@code run NAME -h}: ARGS). */
    static boolean isHelpOrVersion(List<String> args) {
        if (args.size() == 1) {
            return HELP_OR_VERSION.contains(args.get(0));
        }
        return args.size() == 2 && (args.get(1).equals("--help") || args.get(1).equals("-h"))
                && CommandRunner.commandNames().contains(args.get(0));
    }
}
