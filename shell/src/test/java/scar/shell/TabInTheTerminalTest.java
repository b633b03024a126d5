package scar.shell;

import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.shell.boot.CompleterAutoConfiguration;
import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.completion.GrammarCompleter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TAB as JLine does it in the interactive shell: the shell's parser, Spring Shell's completer
 * adapter and scar's completion, keys typed into a terminal. What matters is the line that then
 * reaches the command: a completed key or path with a space in it must stay one word.
 */
class TabInTheTerminalTest {
    @TempDir
    Path home;

    Session session;

    @BeforeEach
    void aBucketWithAKeyHoldingASpace() throws Exception {
        var console = new StandardConsole(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
        session = new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString())).open(console);
        Path photo = Files.writeString(home.resolve("cat 1.jpg"), "meow");
        assertThat(new CommandRunner(session).execute(List.of("put", "-b", "photos/input", "-p", photo.toString()))).isZero();
    }

    @AfterEach
    void closeSession() {
        session.context().close();
    }

    /** Types {@code keys} (TAB as \t) and Enter; the words of the line the shell then evaluates. */
    List<String> typed(String keys) throws Exception {
        var out = new ByteArrayOutputStream();
        try (Terminal terminal = TerminalBuilder.builder().system(false).type("xterm").size(new Size(160, 40))
                .streams(new ByteArrayInputStream((keys + "\r").getBytes(StandardCharsets.UTF_8)), out).build()) {
            var completer = new GrammarCompleter(CommandRunner.grammar().getCommandSpec(), () -> session.context().completion());
            var adapter = new CompleterAutoConfiguration.CompleterAdapter();
            adapter.setShell(new ScarShell(null, null, terminal, null, null, null, completer, new ShellExit(session, terminal)));
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).parser(ShellParser.create())
                    .completer(adapter).build();
            reader.readLine("scar> ");
            return reader.getParsedLine().words().stream().filter(word -> !word.isEmpty()).toList();
        }
    }

    @Test
    void aCompletedKeyWithASpaceReachesTheCommandAsOneWord() throws Exception {
        assertThat(typed("get -b photos/input/c\t")).containsExactly("get", "-b", "photos/input/cat 1.jpg");
        // the user typed the escaped space before TAB
        assertThat(typed("get -b photos/input/cat\\ \t")).containsExactly("get", "-b", "photos/input/cat 1.jpg");
        // an opened quote is closed
        assertThat(typed("ls -b \"photos/input/c\t")).containsExactly("ls", "-b", "photos/input/cat 1.jpg");
        // a folder goes on: TAB again finishes the key
        assertThat(typed("ls -b photos/in\t\t")).containsExactly("ls", "-b", "photos/input/cat 1.jpg");
    }

    @Test
    void aCompletedLocalPathWithASpaceReachesTheCommandAsOneWord() throws Exception {
        Files.writeString(home.resolve("my notes.txt"), "x");
        assertThat(typed("put -b photos/input -p " + home + "/my\t"))
                .containsExactly("put", "-b", "photos/input", "-p", home + "/my notes.txt");
    }

    @Test
    void quotedAndEscapedWordsTypedByHandStillSplitAsBefore() throws Exception {
        assertThat(typed("run hello 'a b' \"c d\" e\\ f g")).containsExactly("run", "hello", "a b", "c d", "e f", "g");
    }
}
