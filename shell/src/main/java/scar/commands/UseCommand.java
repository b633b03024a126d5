package scar.commands;

import scar.json.SharedMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.target.FunctionNames;
import scar.target.FunctionNotFoundException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "use", mixinStandardHelpOptions = true,
        description = "Set the current function, which run and rm take when no name is given.",
        footer = {"", "The prompt shows the current function: scar[local]:hello>", "",
                "Examples:", "  use hello", "  use", "  use --clear"})
public final class UseCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--clear", description = "Drop the current function")
    boolean clear;

    @Option(names = "--json", description = "Print the current function as JSON")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = scar.completion.Candidates.Functions.class,  description = "Function to make current")
    String name;

    private final Session session;

    public UseCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        var context = session.context();
        if (clear && name != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either NAME or --clear, not both");
        }
        if (clear) {
            context.clearCurrentFunction();
        } else if (name != null) {
            if (!FunctionNames.isValid(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), FunctionNames.problem(name));
            }
            session.target().find(name).orElseThrow(() -> new FunctionNotFoundException(name));
            context.use(name);
        }
        String current = context.currentFunction().orElse(null);
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("Target", context.key().display());
            document.put("CurrentFunction", current);
            session.console().println(SharedMapper.get().writeValueAsString(document));
        } else if (name == null && !clear) {
            session.console().println(current == null
                    ? "No current function; set one with 'use NAME'."
                    : "Current function: " + current);
        }
        return ExitCodes.OK;
    }
}
