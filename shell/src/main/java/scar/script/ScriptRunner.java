package scar.script;

import scar.commands.CommandRunner;
import scar.commands.Console;
import scar.commands.ExitCodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@code .scar} file: one command per line, {@code #} comments, blank lines,
 * {@code \} continuation and {@code ${VAR}} / {@code ${VAR:-default}} from the environment.
 * The first failing line stops the script with {@code FILE:LINE: error}.
 */
public final class ScriptRunner {
    private final CommandRunner runner;
    private final Console console;
    private final Map<String, String> environment;

    public ScriptRunner(CommandRunner runner, Console console, Map<String, String> environment) {
        this.runner = runner;
        this.console = console;
        this.environment = environment;
    }

    /** True for the forms that name a script on scar's command line: {@code FILE.scar} or {@code @FILE}. */
    public static boolean isScriptArgument(String argument) {
        return argument.startsWith("@") && argument.length() > 1 || argument.endsWith(".scar");
    }

    public int run(Path file, List<String> options) {
        boolean continueOnError = options.contains("--continue-on-error");
        boolean echo = options.contains("-x");
        List<ScriptLine> lines;
        try {
            lines = ScriptParser.parse(Files.readString(file, StandardCharsets.UTF_8), environment);
        } catch (IOException e) {
            console.error("cannot read script " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
            return ExitCodes.FAILURE;
        } catch (ScriptSyntaxException e) {
            console.error(file + ":" + e.line() + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        int failures = 0;
        int lastFailure = ExitCodes.OK;
        for (ScriptLine line : lines) {
            if (echo) {
                console.info("+ " + String.join(" ", line.words()));
            }
            int code = runner.execute(line.words());
            if (code != ExitCodes.OK) {
                console.info(file + ":" + line.number() + ": command failed with exit code " + code);
                if (!continueOnError) {
                    return code;
                }
                failures++;
                lastFailure = code;
            }
        }
        return failures == 0 ? ExitCodes.OK : lastFailure;
    }
}
