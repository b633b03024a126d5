package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import scar.testing.Scripts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Event-driven file processing through real containers: init -es, put, run -es, ls/get of outputs. */
class BucketBatchTest extends CommandTestBase {
    static final String image = SharedImage.reference();

    Path bucket(String name) {
        return home.resolve("local/buckets").resolve(name);
    }

    Path script(String name, String body) throws Exception {
        return Files.writeString(home.resolve(name), body);
    }

    /** Upper-cases each input into output/NAME.upper, and gzips it into output/gz/NAME.gz. */
    static final String TRANSFORM = """
            name=$(basename "$INPUT_FILE_PATH")
            tr 'a-z' 'A-Z' < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$name.upper"
            mkdir -p "$TMP_OUTPUT_DIR/gz"
            gzip -c "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/gz/$name.gz"
            echo "processed $STORAGE_OBJECT_KEY"
            """;

    @Test
    void fiftyInputsAreEachProcessedOnceAndOutputsMatchByteForByte() throws Exception {
        Path inputs = Files.createDirectories(home.resolve("inputs"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(inputs.resolve("file-" + i + ".txt"), "line one of file " + i + "\nsecond line\n".repeat(i % 5 + 1));
        }
        Outcome init = scar("init", "-n", "upper", "-s", script("t.sh", TRANSFORM).toString(), "-es", "batch-bkt", image);
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("Bucket 'batch-bkt' bound");
        // Bypass put's own processing: files dropped in by another program, then run -es.
        for (Path file : Files.list(inputs).toList()) {
            Files.copy(file, bucket("batch-bkt").resolve("input").resolve(file.getFileName()));
        }

        Outcome run = scar("run", "-es", "batch-bkt");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("Function 'upper' on bucket batch-bkt: 50 file\\(s\\), 50 succeeded, 0 failed, "
                + "100 output\\(s\\) written in [0-9.]+ s \\([0-9.]+ files/s\\)");
        for (int i = 0; i < 50; i++) {
            byte[] original = Files.readAllBytes(inputs.resolve("file-" + i + ".txt"));
            assertThat(bucket("batch-bkt").resolve("output/file-" + i + ".txt.upper"))
                    .hasBinaryContent(new String(original, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            try (var gz = new java.util.zip.GZIPInputStream(Files.newInputStream(bucket("batch-bkt").resolve("output/gz/file-" + i + ".txt.gz")))) {
                assertThat(gz.readAllBytes()).isEqualTo(original);
            }
        }
        // Inputs stay; nothing runs twice.
        assertThat(Files.list(bucket("batch-bkt").resolve("input"))).hasSize(50);
        Outcome again = scar("run", "-es", "batch-bkt");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("all 50 input(s) of bucket batch-bkt were already processed by 'upper'");
        try (Stream<Path> outputs = Files.walk(bucket("batch-bkt").resolve("output"))) {
            assertThat(outputs.filter(Files::isRegularFile)).hasSize(100);
        }
    }

    @Test
    void failuresAreReportedWithRequestIdAndFirstErrorLineAndRetriedAlone() throws Exception {
        scar("init", "-n", "picky", "-s", script("p.sh", Scripts.PICKY).toString(), "-es", "picky", image);
        for (String name : List.of("ok-1", "bad-1", "ok-2", "bad-2")) {
            Files.writeString(bucket("picky").resolve("input").resolve(name), name);
        }

        Outcome run = scar("run", "-es", "picky", "picky");

        assertThat(run.exitCode()).isEqualTo(1);
        // The script matches the file's name, not its path: the path holds the request id, a random
        // UUID, and one with "bad" in its hex digits (~1.5% of runs here) made an ok file fail.
        assertThat(run.out()).as(run.err()).contains("4 file(s), 2 succeeded, 2 failed, 4 output(s)");
        assertThat(run.err()).containsPattern("failed: input/bad-1 \\(request [0-9a-f-]{36}\\): exit code 4: error: cannot parse bad-1")
                .containsPattern("failed: input/bad-2 \\(request [0-9a-f-]{36}\\): exit code 4: error: cannot parse bad-2");
        // A failed run keeps its output and its input.
        assertThat(bucket("picky").resolve("output/bad-1.partial")).hasContent("partial");
        assertThat(bucket("picky").resolve("input/bad-1")).exists();
        assertThat(bucket("picky").resolve("output/ok-1")).hasContent("ok-1");
    }

    @Test
    void retryFailedRerunsOnlyTheInputsWhoseLastRunFailed() throws Exception {
        // Fails on inputs that say so; a new upload of the same name with other content is a new input.
        scar("init", "-n", "flaky", "-s", script("f.sh", """
                if grep -q fail "$INPUT_FILE_PATH"; then echo "error: input says fail"; exit 2; fi
                echo "$REQUEST_ID" > "$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).done"
                """).toString(), "-es", "flaky", image);
        Files.writeString(bucket("flaky").resolve("input/a"), "fine");
        Files.writeString(bucket("flaky").resolve("input/b"), "fail");

        Outcome first = scar("run", "-es", "flaky", "--json");
        JsonNode batch = new ObjectMapper().readTree(first.out()).get("Batch");
        assertThat(first.exitCode()).isEqualTo(1);
        assertThat(batch.get("Files").asInt()).isEqualTo(2);
        assertThat(batch.get("Succeeded").asInt()).isEqualTo(1);
        assertThat(batch.get("Failed").get(0).get("Key").asText()).isEqualTo("input/b");
        assertThat(batch.get("Failed").get(0).get("Error").asText()).isEqualTo("exit code 2: error: input says fail");
        assertThat(batch.get("Outputs").toString()).contains("output/a.done");
        assertThat(batch.get("FilesPerSecond").asDouble()).isPositive();

        Outcome retryNothing = scar("run", "-es", "flaky");
        assertThat(retryNothing.out()).contains("already processed");

        Outcome retry = scar("run", "-es", "flaky", "--retry-failed", "--json");
        // Still failing input: retried alone (a is not run again).
        JsonNode again = new ObjectMapper().readTree(retry.out()).get("Batch");
        assertThat(again.get("Files").asInt()).isEqualTo(1);
        assertThat(again.get("Failed").get(0).get("Key").asText()).isEqualTo("input/b");

        scar("put", "-b", "flaky/input", "-p", Files.writeString(home.resolve("b"), "fixed now").toString());
        assertThat(bucket("flaky").resolve("output/b.done")).exists();
        assertThat(scar("run", "-es", "flaky", "--retry-failed").out()).contains("no input of bucket flaky has a failed last run");
        assertThat(bucket("flaky").resolve("output/a.done")).exists();
        try (Stream<Path> outputs = Files.walk(bucket("flaky").resolve("output"))) {
            assertThat(outputs.filter(Files::isRegularFile)).hasSize(2);
        }
    }

    @Test
    void aTimedOutInvocationIsAFailureThatKeepsItsOutput() throws Exception {
        scar("init", "-n", "slow", "-t", "3", "-tt", "1", "-s", script("s.sh", """
                echo started > "$TMP_OUTPUT_DIR/started.txt"
                sleep 60
                """).toString(), "-es", "slow-bkt", image);
        Files.writeString(bucket("slow-bkt").resolve("input/x"), "x");

        Outcome run = scar("run", "-es", "slow-bkt");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsPattern("failed: input/x \\(request [0-9a-f-]{36}\\): timed out after 2 s");
        assertThat(bucket("slow-bkt").resolve("output/started.txt")).hasContent("started");
        assertThat(bucket("slow-bkt").resolve("input/x")).exists();
    }

    @Test
    void twoInputsWritingTheSameOutputNameBothKeepTheirResult() throws Exception {
        scar("init", "-n", "same", "-s", script("d.sh",
                "cat \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/result.txt\"\n").toString(), "-es", "dup-bkt", image);
        Files.writeString(bucket("dup-bkt").resolve("input/one"), "from one");
        Files.writeString(bucket("dup-bkt").resolve("input/two"), "from two");

        Outcome run = scar("run", "-es", "dup-bkt");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).containsPattern("warning: output/result.txt already exists; this run's file was written to "
                + "output/[0-9a-f-]{36}/result.txt");
        List<String> contents;
        try (Stream<Path> outputs = Files.walk(bucket("dup-bkt").resolve("output"))) {
            contents = outputs.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(contents).containsExactlyInAnyOrder("from one", "from two");
    }

    @Test
    void putIntoABoundBucketProcessesTheNewFilesBeforeReturning() throws Exception {
        scar("init", "-n", "wc", "-s", script("w.sh",
                "wc -c < \"$INPUT_FILE_PATH\" | tr -d ' ' > \"$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).count\"\n").toString(),
                "-es", "put-bkt", image);
        Path folder = Files.createDirectories(home.resolve("docs/sub"));
        Files.writeString(folder.resolve("a.txt"), "12345");
        Files.writeString(home.resolve("docs/b.txt"), "123");

        Outcome put = scar("put", "-b", "put-bkt/input", "-p", home.resolve("docs").toString());

        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out()).contains("Uploaded 2 file(s)", "2 file(s), 2 succeeded, 0 failed, 2 output(s)");
        assertThat(bucket("put-bkt").resolve("output/a.txt.count")).hasContent("5\n");
        assertThat(bucket("put-bkt").resolve("output/b.txt.count")).hasContent("3\n");
        // Files put elsewhere in the bucket trigger nothing.
        Outcome other = scar("put", "-b", "put-bkt/notes", "-p", folder.resolve("a.txt").toString());
        assertThat(other.out()).isEqualTo("Uploaded 1 file(s) to put-bkt/notes.\n");
    }

    @Test
    void badBatchRequestsAreOneClearLine() throws Exception {
        scar("run", "-es", "no-such-bucket").failsWithOneClearLine("no function is bound to bucket no-such-bucket");
        scar("run", "-es", "UPPER").failsWithOneClearLine("invalid bucket name 'UPPER'");
        scar("run", "hello", "--retry-failed").failsWithOneClearLine("--retry-failed needs a bucket");
        scar("init", "-n", "badbucket", "-es", "x", image).failsWithOneClearLine("invalid bucket name 'x'");
        assertThat(scar("ls").out()).doesNotContain("badbucket");
        scar("init", "-n", "plain", image);
        scar("run", "-es", "plain-bkt", "plain").failsWithOneClearLine("bucket plain-bkt not found");
    }
}
