package scar.shell;

import org.jline.terminal.Terminal;
import org.springframework.shell.Input;
import org.springframework.shell.InputProvider;
import org.springframework.shell.ResultHandlerService;
import org.springframework.shell.Shell;
import org.springframework.shell.command.CommandCatalog;
import org.springframework.shell.context.ShellContext;
import org.springframework.shell.exit.ExitCodeMappings;
import org.springframework.shell.CompletionContext;
import org.springframework.shell.CompletionProposal;
import scar.commands.CommandRunner;
import scar.completion.GrammarCompleter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Spring Shell's REPL with scar's grammar: Spring Shell's own option parser cannot read SCAR's
 * syntax ({@code -tt}, {@code -es}, repeated {@code -e}, container ARGS after NAME), so scar's
 * commands go to picocli with the raw words; built-ins (help, history, clear, exit) stay Spring's.
 */
final class ScarShell extends Shell {
    private final Terminal terminal;
    private final CommandRunner runner;
    private final GrammarCompleter completer;
    private final ShellExit atExit;
    private final Set<String> scarCommands = CommandRunner.commandNames();

    ScarShell(ResultHandlerService resultHandlerService, CommandCatalog commandCatalog, Terminal terminal,
              ShellContext shellContext, ExitCodeMappings exitCodeMappings, CommandRunner runner,
              GrammarCompleter completer, ShellExit atExit) {
        super(resultHandlerService, commandCatalog, terminal, shellContext, exitCodeMappings);
        this.terminal = terminal;
        this.runner = runner;
        this.completer = completer;
        this.atExit = atExit;
    }

    /** The REPL; however it ends, runs still going in the background are waited for (see ShellExit). */
    @Override
    public void run(InputProvider inputProvider) throws Exception {
        try {
            super.run(inputProvider);
        } finally {
            atExit.run();
        }
    }

    /**
     * TAB: command names from Spring Shell (scar's and the built-ins), everything after a scar
     * command from scar's grammar and the session's completion cache (never a network call).
     */
    @Override
    public List<CompletionProposal> complete(CompletionContext context) {
        List<String> words = context.getWords();
        int index = context.getWordIndex();
        if (index == 0 || words.isEmpty() || !scarCommands.contains(words.get(0))) {
            return super.complete(context);
        }
        String prefix = context.currentWordUpToCursor();
        // Raw values: JLine escapes them as the shell's parser says (ShellParser), so a key or
        // path with a space stays one word; Spring Shell's own quoting would escape them twice.
        return completer.complete(words, index, prefix == null ? "" : prefix).stream()
                .map(candidate -> new CompletionProposal(candidate.value()).complete(candidate.complete()).dontQuote(true))
                .toList();
    }

    @Override
    protected Object evaluate(Input input) {
        List<String> words = new ArrayList<>(input.words());
        words.removeIf(String::isEmpty);
        if (words.size() == 2 && words.get(0).equals("help") && scarCommands.contains(words.get(1))) {
            words = List.of(words.get(1), "--help");
        }
        if (words.isEmpty() || !scarCommands.contains(words.get(0)) && !CommandRunner.isGlobalOption(words.get(0))) {
            return super.evaluate(input);
        }
        // Ctrl-C interrupts the command (a running container is killed), never the shell.
        Thread commandThread = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> commandThread.interrupt());
        try {
            runner.execute(words);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            Thread.interrupted();
            terminal.writer().flush();
        }
        return NO_INPUT;
    }
}
