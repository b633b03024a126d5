package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.session.Setting;
import scar.session.TargetKey;

import java.util.concurrent.Callable;

@Command(name = "region", mixinStandardHelpOptions = true,
        description = "Show or set the AWS region of the aws target.",
        footer = {"", "On the local target the value is kept for when the session switches to aws.", "",
                "Examples:", "  region", "  region eu-west-1"})
public final class RegionCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Regions.class, description = "The region to use")
    String value;

    private final Session session;

    public RegionCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        var context = session.context();
        if (value != null) {
            if (!TargetKey.isSafeName(value)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "invalid region '" + value
                        + "': use letters, digits, '-', '_' or '.'");
            }
            context.switchRegion(value);
        }
        String current = context.settings().stream().filter(s -> s.name().equals("region"))
                .map(Setting::value).findFirst().orElse("(none)");
        session.console().println("Region: " + current + (context.key().isLocal() ? " (used by the aws target)" : ""));
        return ExitCodes.OK;
    }
}
