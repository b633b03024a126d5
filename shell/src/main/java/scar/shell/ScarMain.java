package scar.shell;

import scar.commands.CommandRunner;
import scar.commands.Console;
import scar.commands.ExitCodes;
import scar.commands.Session;
import scar.config.ConfigException;
import scar.script.ScriptRunner;

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
        if (args.length == 0) {
            // A broken scar.cfg is one line here, not a failed Spring context.
            try {
                new SessionFactory(System.getenv()).open(StandardConsole.system());
            } catch (ConfigException e) {
                StandardConsole.system().error(e.getMessage());
                System.exit(ExitCodes.FAILURE);
            }
            ScarShellApplication.start(args);
            return;
        }
        System.exit(runOnce(List.of(args), StandardConsole.system()));
    }

    static int runOnce(List<String> args, Console console) {
        Session session;
        try {
            session = new SessionFactory(System.getenv()).open(console, args.contains("--json"));
        } catch (ConfigException e) {
            console.error(e.getMessage());
            return ExitCodes.FAILURE;
        }
        CommandRunner runner = new CommandRunner(session);
        String first = args.get(0);
        if (ScriptRunner.isScriptArgument(first)) {
            Path file = Path.of(first.startsWith("@") ? first.substring(1) : first);
            return new ScriptRunner(runner, console, System.getenv()).run(file, args.subList(1, args.size()));
        }
        return runner.execute(args);
    }
}
