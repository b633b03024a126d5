package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.script.ScriptRunner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "script", mixinStandardHelpOptions = true,
        description = "Run the commands of a .scar file in this session, one per line.",
        footer = {"", "A failing line stops the script with FILE:LINE and its exit code, unless --continue-on-error.",
                "Commands run in this session: 'use NAME' in a script stays in effect after it.", "",
                "Examples:", "  script walkthrough.scar", "  script -x --continue-on-error batch.scar"})
public final class ScriptCommand implements Callable<Integer> {
    /** Scripts may run scripts, but a script that runs itself must not exhaust the stack. */
    static final int MAX_DEPTH = 8;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-x", description = "Echo each command before it runs")
    boolean echo;

    @Option(names = "--continue-on-error", description = "Run on after a failing line; exit non-zero at the end")
    boolean continueOnError;

    @Parameters(paramLabel = "FILE", description = "The .scar file")
    Path file;

    private final Session session;

    public ScriptCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (!session.context().enterScript(MAX_DEPTH)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "scripts nested more than " + MAX_DEPTH + " deep; does " + file + " run itself?");
        }
        try {
            List<String> options = new ArrayList<>();
            if (echo) {
                options.add("-x");
            }
            if (continueOnError) {
                options.add("--continue-on-error");
            }
            return new ScriptRunner(new CommandRunner(session), session.console(), session.environment()).run(session.workingDirectory().resolve(file), options);
        } finally {
            session.context().leaveScript();
        }
    }
}
