package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "target", mixinStandardHelpOptions = true,
        description = "Show or switch where functions live and run: local (this machine) or aws (AWS Lambda).",
        footer = {"", "Switching drops the current function; the shell keeps running.", "",
                "Examples:", "  target", "  target local", "  target aws"})
public final class TargetCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TARGET", completionCandidates = scar.completion.Candidates.Targets.class, description = "local or aws")
    String target;

    private final Session session;

    public TargetCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (target != null) {
            if (!target.equals("local") && !target.equals("aws")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown target '" + target + "': use local or aws");
            }
            session.context().switchTarget(target);
        }
        session.console().println("Target: " + session.context().key().display());
        return ExitCodes.OK;
    }
}
