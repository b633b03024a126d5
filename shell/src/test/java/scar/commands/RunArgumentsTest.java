package scar.commands;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunArgumentsTest {
    @Test
    void containerArgsStartingWithDashesAreKeptVerbatim() {
        assertThat(RunCommand.delimitArguments(List.of("fn", "/usr/bin/perl", "-w", "x")))
                .containsExactly("fn", "--", "/usr/bin/perl", "-w", "x");
    }

    @Test
    void scarOptionsAfterTheNameStayScars() {
        assertThat(RunCommand.delimitArguments(List.of("fn", "-e", "A=1", "-e", "B=2", "-s", "x.sh")))
                .containsExactly("fn", "-e", "A=1", "-e", "B=2", "-s", "x.sh");
    }

    @Test
    void withDashNEveryPositionalIsAnArgument() {
        assertThat(RunCommand.delimitArguments(List.of("-n", "fn", "/usr/games/fortune", "-s")))
                .containsExactly("-n", "fn", "--", "/usr/games/fortune", "-s");
    }

    @Test
    void anExplicitDoubleDashIsLeftAlone() {
        assertThat(RunCommand.delimitArguments(List.of("fn", "--", "-x")))
                .containsExactly("fn", "--", "-x");
    }
}
