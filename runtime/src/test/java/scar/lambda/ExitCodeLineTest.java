package scar.lambda;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodeLineTest {
    @Test
    void theLineTheHandlerWritesReadsBackAsTheSameCode() {
        assertThat(ExitCodeLine.format(137)).isEqualTo("scar: Exit Code: 137");
        assertThat(ExitCodeLine.parse(ExitCodeLine.format(137))).hasValue(137);
        assertThat(ExitCodeLine.parse("scar: Exit Code: 0\n")).hasValue(0);
    }

    @Test
    void otherLinesCarryNoExitCode() {
        assertThat(ExitCodeLine.parse("scar: Exit Code: ")).isEmpty();
        assertThat(ExitCodeLine.parse("scar: Exit Code: 99999999999999")).isEmpty();
        assertThat(ExitCodeLine.parse("echo scar: Exit Code: 3")).isEmpty();
        assertThat(ExitCodeLine.parse("scar: Exit Code: 3 and more")).isEmpty();
        assertThat(ExitCodeLine.parse(null)).isEmpty();
    }
}
