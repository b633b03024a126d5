package scar.commands;

import picocli.CommandLine.Command;

/** The root of scar's grammar; subcommands are the verbs SCAR users know. */
@Command(name = "scar", mixinStandardHelpOptions = true, versionProvider = ScarVersion.class,
        description = "Run container images as serverless functions, on this machine or on AWS Lambda.",
        subcommands = {InitCommand.class, RunCommand.class, LsCommand.class, RmCommand.class, LogCommand.class})
public final class ScarCommand {
}
