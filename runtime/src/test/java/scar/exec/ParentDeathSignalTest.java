package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParentDeathSignalTest {
    @TempDir
    Path dir;

    @Test
    void aSetprivThatKnowsPdeathsigPutsItBeforeProotWithASignalProotKillsItsTraceesOn() throws IOException {
        Path setpriv = Files.write(dir.resolve("setpriv"), "\0usage: --pdeathsig keep|clear|<signame>\0".getBytes());
        assertThat(ParentDeathSignal.of(setpriv).orElseThrow().prefix())
                .containsExactly(setpriv.toString(), "--pdeathsig", "ABRT");
    }

    @Test
    void anOlderSetprivWithoutTheOptionOrNoneAtAllIsNotUsed() throws IOException {
        Path old = Files.write(dir.resolve("setpriv"), "\0usage: --reuid --regid\0".getBytes());
        assertThat(ParentDeathSignal.of(old)).isEmpty();
        assertThat(ParentDeathSignal.of(dir.resolve("missing"))).isEmpty();
        assertThat(ParentDeathSignal.of(dir)).isEmpty();
    }
}
