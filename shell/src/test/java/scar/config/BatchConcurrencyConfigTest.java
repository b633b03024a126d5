package scar.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchConcurrencyConfigTest {
    @TempDir
    Path home;

    ScarConfig load(String text) throws Exception {
        Files.writeString(home.resolve("scar.cfg"), text);
        return new ConfigLoader(new ConfigFolder(home)).load();
    }

    @Test
    void defaultIsOneInvocationPerCoreAndTheDefaultFileSaysSo() throws Exception {
        ScarConfig config = new ConfigLoader(new ConfigFolder(home)).load();

        assertThat(config.batchConcurrency()).isZero();
        assertThat(config.effectiveBatchConcurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(Files.readString(home.resolve("scar.cfg"))).contains("batch_concurrency = 0");
    }

    @Test
    void aSettingRaisesIt() throws Exception {
        assertThat(load("[scar]\nbatch_concurrency = 16\n").effectiveBatchConcurrency()).isEqualTo(16);
    }

    @Test
    void outOfRangeOrNotANumberNamesFileLineAndKey() {
        assertThatThrownBy(() -> load("[scar]\n\nbatch_concurrency = -1\n")).isInstanceOf(ConfigException.class)
                .hasMessage(home.resolve("scar.cfg") + ":3: batch_concurrency = -1 is out of range; use 0 (one per core) to 256");
        assertThatThrownBy(() -> load("[scar]\nbatch_concurrency = many\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(":2: batch_concurrency = 'many' is not a whole number");
    }
}
