package scar.commands;

import picocli.CommandLine.Command;

/** The root of scar's grammar; subcommands are the verbs SCAR users know. */
@Command(name = "scar", mixinStandardHelpOptions = true, versionProvider = ScarVersion.class,
        description = "Run container images as serverless functions, on this machine or on AWS Lambda.",
        subcommands = {InitCommand.class, RunCommand.class, LsCommand.class, RmCommand.class, LogCommand.class,
                UseCommand.class, TargetCommand.class, ProfileCommand.class, RegionCommand.class, ConfigCommand.class,
                ScriptCommand.class, PutCommand.class, GetCommand.class})
public final class ScarCommand {
    // For --help and completion only: CommandRunner takes these off the words in front of the
    // command (GlobalOptions) before picocli parses the rest.
    @picocli.CommandLine.Option(names = "--target", paramLabel = "TARGET", order = 1,
            completionCandidates = scar.completion.Candidates.Targets.class,
            description = "Run this one command on local or aws (e.g. scar --target aws ls)")
    String target;

    @picocli.CommandLine.Option(names = "--profile", paramLabel = "NAME", order = 2,
            completionCandidates = scar.completion.Candidates.Profiles.class,
            description = "AWS profile for this one command (aws target)")
    String profile;

    @picocli.CommandLine.Option(names = "--region", paramLabel = "REGION", order = 3,
            description = "AWS region for this one command (aws target)")
    String region;
}
