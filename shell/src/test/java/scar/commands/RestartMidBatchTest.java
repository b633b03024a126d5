package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A scar process killed (SIGKILL) in the middle of run -es, then started again. */
class RestartMidBatchTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    List<JsonNode> ledger() throws Exception {
        Path file = home.resolve("local/ledgers/slowcopy.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void killedMidBatchLosesNoInputAndDoesNotRunFinishedOnesAgain() throws Exception {
        Files.writeString(home.resolve("scar.cfg"), "[scar]\nbatch_concurrency = 2\n");
        Path script = Files.writeString(home.resolve("slow.sh"),
                "sleep 0.3; cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).out\"\n");
        assertThat(scar("init", "-n", "slowcopy", "-s", script.toString(), "-es", "restart", image).exitCode()).isZero();
        Path input = home.resolve("local/buckets/restart/input");
        for (int i = 0; i < 20; i++) {
            Files.writeString(input.resolve("in-" + i), "content " + i);
        }

        // The real program, in its own JVM, killed without warning once a few inputs are done.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "scar.shell.ScarMain", "run", "-es", "restart")
                .redirectErrorStream(true).redirectOutput(home.resolve("first-run.log").toFile());
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        Process first = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (ledger().stream().filter(e -> e.get("event").asText().equals("succeeded")).count() < 5) {
            assertThat(System.nanoTime()).as("5 inputs done within 90 s; log: %s",
                    Files.exists(home.resolve("first-run.log")) ? Files.readString(home.resolve("first-run.log")) : "")
                    .isLessThan(deadline);
            assertThat(first.isAlive()).as("first run still going").isTrue();
            Thread.sleep(50);
        }
        first.destroyForcibly().waitFor();
        Thread.sleep(1000); // containers the killed JVM left behind end their 0.3 s sleep
        List<JsonNode> beforeRestart = ledger();
        Set<String> finishedBefore = new HashSet<>();
        beforeRestart.stream().filter(e -> e.get("event").asText().equals("succeeded"))
                .forEach(e -> finishedBefore.add(e.get("key").asText()));
        assertThat(finishedBefore.size()).isBetween(5, 19);

        Outcome second = scar("run", "-es", "restart");

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains((20 - finishedBefore.size()) + " file(s), " + (20 - finishedBefore.size()) + " succeeded");
        Map<String, Integer> starts = new HashMap<>();
        ledger().stream().filter(e -> e.get("event").asText().equals("started"))
                .forEach(e -> starts.merge(e.get("key").asText(), 1, Integer::sum));
        for (String key : finishedBefore) {
            assertThat(starts.get(key)).as("starts of %s, finished before the kill", key).isEqualTo(1);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(input.resolve("in-" + i)).exists();
            assertThat(home.resolve("local/buckets/restart/output/in-" + i + ".out")).hasContent("content " + i);
        }
        assertThat(scar("run", "-es", "restart").out()).contains("all 20 input(s) of bucket restart were already processed");
        // The work directories of the runs cut short by the kill are gone too.
        try (var left = Files.list(home.resolve("local/work"))) {
            // emptied directories and files kept for reuse (".spare-*", ".recycled") are no run's
            assertThat(left.map(p -> p.getFileName().toString()))
                    .allMatch(name -> name.startsWith(".spare-") || name.equals(".recycled"));
        }
    }
}
