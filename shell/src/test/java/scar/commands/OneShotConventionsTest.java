package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every command promises on the command line: help with examples, --json, -v, one-line errors. */
class OneShotConventionsTest extends SessionTestBase {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void anUnknownCommandIsOneLineNamingTheCommandsAndExitsTwo() {
        Outcome outcome = scar("frobnicate", "x");
        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(outcome.err().lines()).singleElement().asString()
                .startsWith("error: unknown command 'frobnicate'; commands: init, run, ls, rm, ")
                .endsWith(" (scar --help for more)");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        for (String command : CommandRunner.commandNames()) {
            Outcome help = scar(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: scar " + command, "Examples:\n  " + command);
        }
    }

    @Test
    void commandsThatProduceDataPrintPlainJsonWithJson() throws Exception {
        createFunction("hello");
        JsonNode ls = mapper.readTree(shell("ls", "--json").out());
        assertThat(ls.path("Functions").get(0).path("Name").asText()).isEqualTo("hello");
        assertThat(mapper.readTree(shell("config", "--json").out()).path("memory").path("Value").asText()).isEqualTo("128");
        assertThat(mapper.readTree(shell("use", "hello", "--json").out()).path("CurrentFunction").asText()).isEqualTo("hello");

        Outcome run = shell("run", "--json", "-v", "hello");
        assertThat(run.err()).isEmpty();
        JsonNode result = mapper.readTree(run.out());
        assertThat(result.path("LambdaOutput").path("Output").asText()).isEqualTo("I am hello\n");
        assertThat(result.path("Timings").path("TotalMillis").asLong()).isPositive();

        Outcome init = shell("init", "--json", "-v", "-n", "second", "-if", helloTarball.toString());
        JsonNode created = mapper.readTree(init.out());
        assertThat(created.path("FunctionName").asText()).isEqualTo("second");
        assertThat(created.path("ImageId").asText()).startsWith("sha256:");
        assertThat(created.has("Timings")).isTrue();

        assertThat(mapper.readTree(shell("rm", "--json", "-a").out()).path("Deleted"))
                .extracting(JsonNode::asText).containsExactlyInAnyOrder("hello", "second");
        for (String json : List.of(ls.toString(), result.toString())) {
            assertThat(json).doesNotContain("\u001b[");
        }
    }

    @Test
    void verboseShowsTheWholeResponseWithTimingsAndMoreColumns() throws Exception {
        createFunction("hello");
        Outcome run = shell("run", "-v", "hello");
        assertThat(run.out()).isEqualTo("I am hello\n");
        JsonNode response = mapper.readTree(run.err().lines().filter(l -> l.startsWith("Response: ")).findFirst()
                .orElseThrow().substring("Response: ".length()));
        assertThat(response.path("ExitCode").asInt()).isZero();
        assertThat(response.has("Duration")).isTrue();
        assertThat(response.has("TotalMillis")).isTrue();

        Outcome ls = shell("ls", "-v");
        assertThat(ls.out().lines().findFirst()).get().asString()
                .matches("NAME +MEMORY +TIME +THRESHOLD +IMAGE_ID +IMAGE +DESCRIPTION");
        assertThat(ls.err()).matches("1 function\\(s\\) listed in \\d+ ms\\n");
    }

    @Test
    void tablesAreCutToTheTerminalWidthButNeverInAPipe() {
        Table table = new Table(List.of("NAME", "IMAGE", "DESCRIPTION"));
        table.add(List.of("hello", "127.0.0.1:5000/a/very/long/image/name:1.0", "x".repeat(80)));
        StringWriter narrow = new StringWriter();
        table.print(new PrintWriter(narrow, true), 60);
        assertThat(narrow.toString().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(60));
        assertThat(narrow.toString()).contains("hello", "~");
        StringWriter piped = new StringWriter();
        table.print(new PrintWriter(piped, true), 0);
        assertThat(piped.toString()).contains("x".repeat(80));
    }
}
