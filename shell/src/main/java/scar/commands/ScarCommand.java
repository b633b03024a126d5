package scar.commands;

import picocli.CommandLine.Command;

/** The root of scar's grammar; subcommands are the verbs SCAR users know. */
@Command(name = "scar", mixinStandardHelpOptions = true, versionProvider = ScarVersion.class,
        description = "Run container images as serverless functions, on this machine or on AWS Lambda.",
        subcommands = {InitCommand.class, RunCommand.class, LsCommand.class, RmCommand.class,
                UseCommand.class, TargetCommand.class, ProfileCommand.class, RegionCommand.class, ConfigCommand.class,
                ScriptCommand.class, PutCommand.class, GetCommand.class})
public final class ScarCommand {
}
