package scar.script;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptParserTest {
    private static final Map<String, String> ENV = Map.of("IMAGE", "grycap/cowsay", "EMPTY", "");

    @Test
    void skipsCommentsBlankLinesAndShebang() {
        List<ScriptLine> lines = ScriptParser.parse("#!/usr/bin/env scar\n# a comment\n\nls\n  ls --json  # trailing\n", ENV);

        assertThat(lines).containsExactly(new ScriptLine(4, List.of("ls")), new ScriptLine(5, List.of("ls", "--json")));
    }

    @Test
    void joinsContinuationLinesAndKeepsTheFirstLineNumber() {
        List<ScriptLine> lines = ScriptParser.parse("ls\ninit -n hello \\\n  -m 256 \\\n  -if hello.tar\nls\n", ENV);

        assertThat(lines).containsExactly(
                new ScriptLine(1, List.of("ls")),
                new ScriptLine(2, List.of("init", "-n", "hello", "-m", "256", "-if", "hello.tar")),
                new ScriptLine(5, List.of("ls")));
    }

    @Test
    void expandsVariablesWithDefaults() {
        List<ScriptLine> lines = ScriptParser.parse("init ${IMAGE} -n ${NAME:-cow} -d \"${EMPTY:-none} here\"", ENV);

        assertThat(lines.get(0).words()).containsExactly("init", "grycap/cowsay", "-n", "cow", "-d", "none here");
    }

    @Test
    void singleQuotesKeepTextAsWritten() {
        List<ScriptLine> lines = ScriptParser.parse("run hello /bin/echo '${IMAGE} # not a comment'", ENV);

        assertThat(lines.get(0).words()).containsExactly("run", "hello", "/bin/echo", "${IMAGE} # not a comment");
    }

    @Test
    void unsetVariableWithoutDefaultNamesTheLine() {
        assertThatThrownBy(() -> ScriptParser.parse("ls\nrun ${MISSING}\n", ENV))
                .isInstanceOfSatisfying(ScriptSyntaxException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining("MISSING is not set");
    }

    @Test
    void unclosedQuoteIsAnError() {
        assertThatThrownBy(() -> ScriptParser.parse("run hello \"oops\n", ENV))
                .isInstanceOf(ScriptSyntaxException.class)
                .hasMessageContaining("unclosed");
    }
}
