package scar.exec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * proot writes "proot info: " and the rest of its report in separate writes, so a container
 * line can land between them on the shared pipe (seen under load: `cat f | wc -l` lost its
 * "2" and printed "pid 1213: exited with status 0" instead).
 */
class ProotOutputTest {
    final List<String> lines = new ArrayList<>();
    final CappedText collected = new CappedText(1 << 20);
    final TraceeExits exits = new TraceeExits(100, pid -> List.of());
    final AtomicBoolean mainEnded = new AtomicBoolean();
    final ProotOutput output = new ProotOutput(lines::add, collected, exits, () -> mainEnded.set(true));

    @Test
    void aContainerLineBetweenProotsPrefixAndItsReportIsKeptAndTheReportStillCounts() {
        output.piece("proot info: 2", true);
        output.piece("pid 101: exited with status 3", true);
        output.end();

        assertThat(lines).containsExactly("2");
        assertThat(collected.text()).isEqualTo("2\n");
        assertThat(exits.mainCode()).isEqualTo(OptionalInt.of(3));
        assertThat(mainEnded).isTrue();
    }

    @Test
    void prootsOwnInfoLinesAndWholeReportsStayOutOfTheOutput() {
        output.piece("proot info: default working directory is now \"/\"", true);
        output.piece("hello", true);
        output.piece("proot info: pid 101: terminated with signal 9", true);
        output.end();

        assertThat(lines).containsExactly("hello");
        assertThat(exits.mainCode()).isEqualTo(OptionalInt.of(137));
    }

    @Test
    void anUnknownProotInfoLineFollowedByOrdinaryOutputIsDroppedAndTheOutputKept() {
        output.piece("proot info: something proot said", true);
        output.piece("ordinary line", true);
        output.end();

        assertThat(lines).containsExactly("ordinary line");
    }
}
