package scar.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.config.ConfigException;
import scar.config.ConfigFile;
import scar.config.ConfigLoader;
import scar.config.LogPollSetting;
import scar.config.RegistryLogins;
import scar.config.RuntimeSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The interactive shell checks scar.cfg before Spring starts, without opening a session; and a
 * session parses scar.cfg once, every reader taking its keys from the one parse.
 */
class ConfigCheckTest {
    @TempDir
    Path home;

    private void config(String text) throws Exception {
        Files.writeString(home.resolve("scar.cfg"), text);
    }

    private void check() {
        new SessionFactory(Map.of("SCAR_CONFIG_FOLDER", home.toString(), "HOME", home.toString())).checkConfig();
    }

    @Test
    void aGoodConfigPassesAndTheCheckWritesNothingButTheDefaultScarCfg() throws Exception {
        check();
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("scar.cfg");
        }
    }

    @Test
    void everyKindOfMistakeAnOpeningSessionWouldRefuseIsOneLineFromTheCheck() throws Exception {
        config("[scar]\nexecutor = podman\n");
        assertThatThrownBy(this::check).isInstanceOf(ConfigException.class)
                .hasMessageContaining("scar.cfg:2: executor = 'podman' is not an executor");
        config("[scar]\nlog_poll_ms = 5\n");
        assertThatThrownBy(this::check).hasMessageContaining("log_poll_ms = '5' is not a poll interval");
        config("[scar]\ntarget = local\n[registry \"ghcr.io\"]\nusername = alice\n");
        assertThatThrownBy(this::check).hasMessageContaining("needs both username and password");
        config("[scar]\nprofile = ../etc\n");
        assertThatThrownBy(this::check).hasMessageContaining("invalid AWS profile");
        config("[scar]\nthis is not ini\n");
        assertThatThrownBy(this::check).hasMessageContaining("line 2: cannot parse 'this is not ini'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void oneParseServesEveryReader() throws Exception {
        config("[scar]\nexecutor = proot\nimage_max_mb = 64\nlog_poll_ms = 250\nlambda_memory = 512\n"
                + "[registry \"ghcr.io\"]\nusername = alice\npassword = secret\n");
        ConfigFile file = new ConfigLoader(new scar.config.ConfigFolder(home)).read();
        assertThat(ConfigLoader.parse(file).memoryMb()).isEqualTo(512);
        assertThat(RuntimeSettings.read(file).imageMaxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(LogPollSetting.read(file)).isEqualTo(Duration.ofMillis(250));
        assertThat(RegistryLogins.read(file).find("ghcr.io")).hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("alice"));
    }

    @Test
    void aBrokenFileIsReportedOnceByTheLoaderAndTheOtherReadersFallBackToDefaults() throws Exception {
        config("[scar\nexecutor = nonsense\n");
        ConfigFile file = ConfigFile.read(home.resolve("scar.cfg"));
        assertThat(file.formatError()).startsWith("line 1:");
        assertThat(RuntimeSettings.read(file)).isEqualTo(RuntimeSettings.defaults());
        assertThat(LogPollSetting.read(file)).isEqualTo(LogPollSetting.DEFAULT);
        assertThat(RegistryLogins.read(file).find("ghcr.io")).isEmpty();
        assertThatThrownBy(() -> ConfigLoader.parse(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fix the line or delete the file");
    }
}
