package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.session.Setting;
import scar.session.TargetKey;

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
        var context = session.context();
        if (value != null) {
            if (!TargetKey.isSafeName(value)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "invalid profile '" + value
                        + "': use letters, digits, '-', '_' or '.'");
            }
            context.switchProfile(value);
        }
        String current = context.settings().stream().filter(s -> s.name().equals("profile"))
                .map(Setting::value).findFirst().orElse("(none)");
        session.console().println("Profile: " + current + (context.key().isLocal() ? " (used by the aws target)" : ""));
        return ExitCodes.OK;
    }
}
