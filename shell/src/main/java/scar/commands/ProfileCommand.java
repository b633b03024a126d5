package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Show or set the AWS profile of the aws target (its credentials and settings).",
        footer = {"", "On the local target the value is kept for when the session switches to aws.", "",
                "Examples:", "  profile", "  profile dev"})
public final class ProfileCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Profiles.class, description = "The profile to use")
    String value;

    private final Session session;

    public ProfileCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        return AwsSetting.PROFILE.showOrSet(session, spec.commandLine(), value);
    }
}
