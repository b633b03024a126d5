package scar.commands;

import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;

/**
 * The root of scar's grammar; its subcommands, the verbs SCAR users know, are {@link #COMMANDS},
 * added by {@link CommandRunner}.
 */
@Command(name = "scar", mixinStandardHelpOptions = true, versionProvider = ScarVersion.class,
        description = "Run container images as serverless functions, on this machine or on AWS Lambda.")
public final class ScarCommand {
    /**
     * The verbs, in the order help lists them. Not in the annotation: picocli then builds the
     * model of every verb, by reflection, before it parses a word (~0.1 s of a one-shot command's
     * start), where a one-shot command needs only its own.
     */
    static final List<Class<?>> COMMANDS = List.of(InitCommand.class, RunCommand.class, LsCommand.class, RmCommand.class,
            LogCommand.class, UseCommand.class, TargetCommand.class, ProfileCommand.class, RegionCommand.class,
            ConfigCommand.class, ScriptCommand.class, PutCommand.class, GetCommand.class, DaemonCommand.class);

    /** Each verb's name, in {@link #COMMANDS}' order, read from its annotation alone. */
    static final Map<String, Class<?>> BY_NAME = COMMANDS.stream().collect(java.util.stream.Collectors.toMap(
            type -> type.getAnnotation(Command.class).name(), type -> type, (a, b) -> a, java.util.LinkedHashMap::new));

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
