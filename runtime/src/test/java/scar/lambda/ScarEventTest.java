package scar.lambda;

import org.junit.jupiter.api.Test;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationException;
import scar.invoke.InvocationResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documents the shell and the handler exchange: what one writes, the other reads back the same. */
class ScarEventTest {
    @Test
    void anEventReadsBackAsWritten() {
        var event = new ScarEvent("r-1", "echo \"$A\"\n", List.of("/bin/x", "-y"), Map.of("B", "two words", "A", "1"));
        String json = new String(event.toJson(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"request_id\":\"r-1\",\"script\":\"echo \\\"$A\\\"\\n\",\"args\":[\"/bin/x\",\"-y\"],"
                + "\"environment\":{\"A\":\"1\",\"B\":\"two words\"}}");
        assertThat(ScarEvent.parse(event.toJson())).isEqualTo(event);
    }

    @Test
    void anEmptyEventRunsTheImagesOwnCommand() {
        assertThat(ScarEvent.parse(new byte[0])).isEqualTo(new ScarEvent(null, null, List.of(), Map.of()));
        assertThat(ScarEvent.parse("{}".getBytes())).isEqualTo(new ScarEvent(null, null, List.of(), Map.of()));
    }

    @Test
    void malformedEventsAreRefusedInOneLine() {
        assertThatThrownBy(() -> ScarEvent.parse("[1]".getBytes())).isInstanceOf(InvocationException.class)
                .hasMessage("the event must be a JSON object, not ARRAY");
        assertThatThrownBy(() -> ScarEvent.parse("{\"environment\":{\"A\":1}}".getBytes()))
                .hasMessage("'environment' in the event must be an object of strings");
        assertThatThrownBy(() -> ScarEvent.parse("{\"script\":".getBytes())).hasMessageStartingWith("the event is not JSON");
    }

    @Test
    void aResponseReadsBackAsWrittenAndAnythingElseIsNotAResponse() {
        var response = ScarResponse.of(new InvocationResult("r-1", 3, "out\n", false, false, 12), "/aws/lambda/f", "s");
        assertThat(ScarResponse.parse(response.toJson())).contains(response);
        assertThat(ScarResponse.parse(ScarResponse.failure("bad image").toJson())).contains(ScarResponse.failure("bad image"));
        assertThat(ScarResponse.parse("{\"request_id\":\"r\"}".getBytes())).isEmpty();
        assertThat(ScarResponse.parse("Simple Lambda happy path OK".getBytes())).isEmpty();
    }

    @Test
    void theCodeZipHoldsTheFunctionAndIsTheSameForTheSameFunction(@TempDir Path task) throws Exception {
        var function = new FunctionSpec("f", "busybox", "", 128, 60, 5, "d", Map.of("A", "1"), "echo init\n");
        byte[] zip = FunctionConfig.codeZip(function);
        assertThat(FunctionConfig.codeZip(function)).isEqualTo(zip);
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            assertThat(in.getNextEntry().getName()).isEqualTo(FunctionConfig.FILE);
            Files.write(task.resolve(FunctionConfig.FILE), in.readAllBytes());
            assertThat(in.getNextEntry()).isNull();
        }
        assertThat(FunctionConfig.read(task)).isEqualTo(function);
    }
}
