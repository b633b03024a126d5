package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.invoke.FunctionSpec;
import scar.target.FunctionNotFoundException;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove functions and their local data.",
        footer = {"", "Examples:", "  rm -n hello", "  rm -a", "  rm            (the current function, set with use NAME)"})
public final class RmCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Functions.class,  description = "Function to remove")
    String name;

    @Option(names = {"-a", "--all"}, description = "Remove all functions")
    boolean all;

    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Functions.class,  description = "Function to remove (same as -n)")
    String positionalName;

    @Option(names = "--json", description = "Print the removed functions as JSON")
    boolean json;

    private final Session session;

    public RmCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        if (name != null && positionalName != null) {
            throw new CommandLine.ParameterException(commandLine, "give the function name once: rm -n NAME");
        }
        String target = name != null ? name : positionalName;
        if (all && target != null) {
            throw new CommandLine.ParameterException(commandLine, "give either -n NAME or -a");
        }
        if (!all) {
            target = CurrentFunction.orCurrent(session, target, commandLine, "give either -n NAME or -a");
        }
        List<String> names = all
                ? session.target().list().stream().map(FunctionSpec::name).toList()
                : List.of(target);
        if (!all && session.target().find(target).isEmpty()) {
            throw new FunctionNotFoundException(target);
        }
        for (String function : names) {
            session.target().remove(function);
            session.context().functionRemoved(function);
            if (!json) {
                session.console().println("Function '" + function + "' successfully deleted.");
            }
        }
        if (json) {
            session.console().println(new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsString(java.util.Map.of("Deleted", names)));
        }
        return ExitCodes.OK;
    }
}
