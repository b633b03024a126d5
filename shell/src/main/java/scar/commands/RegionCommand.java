package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
        return AwsSetting.REGION.showOrSet(session, spec.commandLine(), value);
    }
}
