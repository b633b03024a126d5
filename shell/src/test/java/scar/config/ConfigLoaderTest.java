package scar.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path home;

    @Test
    void createsCommentedDefaultsOnFirstRun() throws Exception {
        ScarConfig config = new ConfigLoader(new ConfigFolder(home)).load();

        assertThat(config).isEqualTo(ScarConfig.defaults());
        String written = Files.readString(home.resolve("scar.cfg"));
        assertThat(written).contains("[scar]", "lambda_memory = 128", "lambda_time = 300",
                "lambda_timeout_threshold = 10", "lambda_description", "lambda_region", "lambda_role", "target = local");
        assertThat(written.lines().filter(line -> line.startsWith("#"))).isNotEmpty();
    }

    @Test
    void readsValuesTheUserChanged() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nlambda_memory = 512\nlambda_time = 60\nlambda_description = thumbs\n");

        ScarConfig config = new ConfigLoader(new ConfigFolder(home)).load();

        assertThat(config.memoryMb()).isEqualTo(512);
        assertThat(config.timeoutSeconds()).isEqualTo(60);
        assertThat(config.description()).isEqualTo("thumbs");
        assertThat(config.timeoutThresholdSeconds()).isEqualTo(10);
    }

    @Test
    void badNumberNamesFileLineAndKey() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\n# memory\nlambda_memory = lots\n");

        assertThatThrownBy(() -> new ConfigLoader(new ConfigFolder(home)).load())
                .isInstanceOf(ConfigException.class)
                .hasMessage(home.resolve("scar.cfg") + ":3: lambda_memory = 'lots' is not a whole number");
    }

    @Test
    void unknownKeyIsNamedWithItsLine() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nlambda_memroy = 256\n");

        assertThatThrownBy(() -> new ConfigLoader(new ConfigFolder(home)).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(home.resolve("scar.cfg") + ":2: unknown key 'lambda_memroy'");
    }

    @Test
    void unparsableLineIsNamed() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar\nlambda_memory = 256\n");

        assertThatThrownBy(() -> new ConfigLoader(new ConfigFolder(home)).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(home.resolve("scar.cfg").toString())
                .hasMessageContaining("line 1");
    }

    @Test
    void configFolderComesFromScarConfigFolder() {
        ConfigFolder folder = ConfigFolder.fromEnvironment(java.util.Map.of("SCAR_CONFIG_FOLDER", home.toString()));

        assertThat(folder.configFile()).isEqualTo(home.resolve("scar.cfg"));
        assertThat(folder.localFunctions()).isEqualTo(home.resolve("local/functions"));
        assertThat(folder.imageCache()).isEqualTo(home.resolve("cache"));
    }
}
