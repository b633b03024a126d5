package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationException;
import scar.testing.SharedRegistry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image cache's share of Lambda's /tmp: what fits by default, the function's override, and the handler using it. */
class CacheBudgetTest {
    private static final long MB = 1024L * 1024;

    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String image;

    @TempDir
    Path dir;

    @BeforeAll
    static void pushImage() throws IOException {
        image = REGISTRY.images().push(REGISTRY.registry(), "cowsay:1");
    }

    @Test
    void byDefaultTheCacheTakesTmpLessRoomForTheWorkDirectories() {
        assertThat(CacheBudget.fitting(512 * MB, 512 * MB, 0)).isEqualTo(448 * MB); // Lambda's default /tmp
        assertThat(CacheBudget.fitting(10240 * MB, 10240 * MB, 0)).isEqualTo(9216 * MB); // the most ephemeral storage
        assertThat(CacheBudget.fitting(2048 * MB, 2048 * MB, 0)).isEqualTo(1792 * MB);
        // what the instance's cache already holds stays available to it; other files in /tmp do not
        assertThat(CacheBudget.fitting(512 * MB, 200 * MB, 100 * MB)).isEqualTo(236 * MB);
        assertThat(CacheBudget.fitting(512 * MB, 10 * MB, 0)).isEqualTo(CacheBudget.MIN_DEFAULT);
    }

    @Test
    void theFunctionsEnvironmentOverridesTheDefault() throws IOException {
        CacheBudget budget = CacheBudget.of(Map.of(CacheBudget.ENV, " 2048 "), Files.createDirectories(dir.resolve("c")));
        assertThat(budget.maxBytes()).isEqualTo(2048 * MB);
        assertThat(budget.setting()).startsWith("SCAR_CACHE_MAX_MB ");
        CacheBudget measured = CacheBudget.of(Map.of(), dir);
        assertThat(measured.maxBytes()).isPositive()
                .isLessThanOrEqualTo(Files.getFileStore(dir).getTotalSpace() - CacheBudget.MIN_RESERVE);
    }

    @Test
    void aHostileOverrideIsOneLineNamingTheVariable() {
        for (String bad : List.of("abc", "0", "-5", "1e3", "99999999999999999999", "12\nrm -rf /", "1048577")) {
            assertThatThrownBy(() -> CacheBudget.of(Map.of(CacheBudget.ENV, bad), dir))
                    .isInstanceOf(InvocationException.class)
                    .hasMessageStartingWith("invalid SCAR_CACHE_MAX_MB '")
                    .hasMessageContaining("a whole number from 1 to 1048576")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void theHandlersCacheIsCappedAndAnImageThatDoesNotFitNamesTheVariableToRaise() throws IOException {
        Path task = Files.createDirectories(dir.resolve("task"));
        FunctionSpec fn = new FunctionSpec("capped", image, "", 128, 60, 5, "", Map.of(), null);
        try (var zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(FunctionConfig.codeZip(fn)))) {
            zip.getNextEntry();
            Files.write(task.resolve(FunctionConfig.FILE), zip.readAllBytes());
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        var handler = new LambdaHandler(Map.of("LAMBDA_TASK_ROOT", task.toString(), "SCAR_TMP", tmp.toString(),
                CacheBudget.ENV, "1"));

        JsonNode response = invoke(handler);

        assertThat(response.path("Error").asText())
                .contains("image " + image + " is too big for the cache")
                .contains("SCAR_CACHE_MAX_MB = 1,")
                .contains("raise SCAR_CACHE_MAX_MB in the function's environment");
        assertThat(tmp.resolve("scar-cache/images")).doesNotExist();
    }

    private static JsonNode invoke(LambdaHandler handler) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, new LocalContext("req-cache-1", "arn:aws:lambda:local:000000000000:function:capped",
                System.nanoTime() + 60_000_000_000L, message -> { }));
        return new ObjectMapper().readTree(out.toByteArray());
    }

}
