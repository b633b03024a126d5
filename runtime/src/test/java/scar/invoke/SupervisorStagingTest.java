package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import scar.storage.LocalObjectStorage;
import scar.storage.ObjectInfo;

/** The container side of bucket triggers, with real proot over a busybox root filesystem. */
class SupervisorStagingTest extends StagedRunsTestBase {
    private LocalObjectStorage storage() throws Exception {
        LocalObjectStorage storage = bucket();
        storage.put("bkt", "input/docs/a.txt", Files.writeString(home.resolve("a.txt"), "one two three\n"));
        return storage;
    }

    private StagedInvocation invoke(LocalObjectStorage storage, String script, int timeout, String rid) {
        return supervisor().invoke(function(timeout), new InvocationRequest(rid, script, List.of(), Map.of()), storage,
                new StorageTrigger("bkt", "input/docs/a.txt"), line -> { });
    }

    @Test
    void scriptSeesTheInputAndItsOutputsAreUploadedKeepingPaths() throws Exception {
        LocalObjectStorage storage = storage();

        StagedInvocation run = invoke(storage, """
                echo "in=$INPUT_FILE_PATH alias=$SCAR_INPUT_FILE key=$STORAGE_OBJECT_KEY out=$TMP_OUTPUT_DIR"
                mkdir -p "$TMP_OUTPUT_DIR/counts"
                wc -w < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/counts/$(basename "$INPUT_FILE_PATH").wc"
                """, 30, "req-1");

        assertThat(run.result().exitCode()).as(run.result().output()).isZero();
        assertThat(run.result().output()).contains("in=/tmp/req-1/input/a.txt alias=/tmp/req-1/input/a.txt "
                + "key=input/docs/a.txt out=/tmp/req-1/output");
        assertThat(run.outputKeys()).containsExactly("output/counts/a.txt.wc");
        assertThat(storage.bucketPath("bkt").resolve("output/counts/a.txt.wc")).hasContent("3");
        assertThat(run.warnings()).isEmpty();
        assertThat(home.resolve("work/req-1")).doesNotExist();
    }

    @Test
    void aSecondWriterOfTheSameOutputKeyGoesUnderItsRequestIdWithAWarning() throws Exception {
        LocalObjectStorage storage = storage();
        String script = "echo \"$REQUEST_ID\" > \"$TMP_OUTPUT_DIR/result.txt\"\n";

        StagedInvocation first = invoke(storage, script, 30, "first");
        StagedInvocation second = invoke(storage, script, 30, "second");

        assertThat(first.outputKeys()).containsExactly("output/result.txt");
        assertThat(second.outputKeys()).containsExactly("output/second/result.txt");
        assertThat(second.warnings()).containsExactly(
                "output/result.txt already exists; this run's file was written to output/second/result.txt");
        assertThat(storage.bucketPath("bkt").resolve("output/result.txt")).hasContent("first");
        assertThat(storage.bucketPath("bkt").resolve("output/second/result.txt")).hasContent("second");
    }

    @Test
    void aFailedRunKeepsItsOutputAndItsInput() throws Exception {
        LocalObjectStorage storage = storage();

        StagedInvocation run = invoke(storage, "echo partial > $TMP_OUTPUT_DIR/partial.txt; rm -f $INPUT_FILE_PATH; exit 3\n", 30, "fails");

        assertThat(run.result().exitCode()).isEqualTo(3);
        assertThat(run.succeeded()).isFalse();
        assertThat(run.outputKeys()).containsExactly("output/partial.txt");
        assertThat(storage.list("bkt", "input/")).extracting(ObjectInfo::key).containsExactly("input/docs/a.txt");
    }

    @Test
    void aTimedOutRunKeepsWhatItWroteBeforeTheDeadline() throws Exception {
        LocalObjectStorage storage = storage();

        StagedInvocation run = invoke(storage, "echo early > $TMP_OUTPUT_DIR/early.txt; sleep 30\n", 2, "slow");

        assertThat(run.result().timedOut()).isTrue();
        assertThat(run.outputKeys()).containsExactly("output/early.txt");
        assertThat(storage.bucketPath("bkt").resolve("output/early.txt")).hasContent("early");
    }

    @Test
    void linksTheContainerLeavesInItsOutputAreNotFollowed() throws Exception {
        LocalObjectStorage storage = storage();
        Path secret = Files.writeString(home.resolve("host-secret"), "secret");

        StagedInvocation run = invoke(storage, "ln -s " + secret + " $TMP_OUTPUT_DIR/leak; echo ok > $TMP_OUTPUT_DIR/ok\n", 30, "links");

        assertThat(run.outputKeys()).containsExactly("output/ok");
        assertThat(run.warnings()).singleElement().asString().contains("leak", "not a regular file");
        assertThat(storage.list("bkt", "output/")).extracting(ObjectInfo::key).containsExactly("output/ok");
    }
}
