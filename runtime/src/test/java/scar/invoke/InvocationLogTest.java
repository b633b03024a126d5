package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageStore;
import scar.image.ImageException;
import scar.testing.BusyboxRootfs;
import scar.testing.CachedImages;

/** The Lambda-shaped record every invocation writes: START, lines as they come, END, REPORT. */
class InvocationLogTest {
    @TempDir
    static Path shared;

    @TempDir
    Path workRoot;

    private final ProotExecutor executor = new ProotExecutor();

    static Path rootfs;

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
    }

    /** One cached image, by id; nothing to pull. */
    static ImageStore images() {
        return new CachedImages(new Image("sha256:feed", "test/busybox:latest", BUSYBOX, rootfs));
    }

    /** Keeps each line with the time it was written. */
    static final class Recorded implements InvocationLog {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        final List<String> opened = new ArrayList<>();
        boolean closed;

        @Override
        public RequestLog open(FunctionSpec function, String requestId) {
            opened.add(function.name() + "/" + requestId);
            return new RequestLog() {
                @Override
                public void write(String line) {
                    lines.add(line);
                    times.add(System.nanoTime());
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    private static final ImageConfig BUSYBOX = new ImageConfig(List.of(), List.of("/bin/true"), List.of(), "", "");

    private static FunctionSpec function(int timeout, int threshold) {
        return new FunctionSpec("logged", "test/busybox", "sha256:feed", 256, timeout, threshold, null, Map.of(), null);
    }

    private InvocationResult invoke(Recorded log, FunctionSpec fn, String script) {
        Supervisor supervisor = new Supervisor(images(), executor, workRoot, log);
        return supervisor.invoke(fn, new InvocationRequest("rid-1", script, List.of(), Map.of()), line -> { });
    }

    @Test
    void recordsStartContainerLinesEndAndReportWithDurationMemoryAndExitCode() {
        Recorded log = new Recorded();

        invoke(log, function(60, 10), "echo one; echo two >&2; exit 3");

        assertThat(log.opened).containsExactly("logged/rid-1");
        assertThat(log.lines).hasSize(6);
        assertThat(log.lines.get(0)).isEqualTo("START RequestId: rid-1 Version: $LATEST");
        assertThat(log.lines.get(1)).isEqualTo("scar: image sha256:feed found in the cache");
        assertThat(log.lines.subList(2, 4)).containsExactly("one", "two");
        assertThat(log.lines.get(4)).isEqualTo("END RequestId: rid-1");
        assertThat(log.lines.get(5)).matches("REPORT RequestId: rid-1\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms"
                + "\tMemory Size: 256 MB\tExit Code: 3");
        assertThat(log.closed).isTrue();
    }

    @Test
    void containerLinesReachTheLogWhileTheContainerStillRuns() {
        Recorded log = new Recorded();

        invoke(log, function(60, 10), "echo early; sleep 2; echo late");

        int early = log.lines.indexOf("early");
        int end = log.lines.indexOf("END RequestId: rid-1");
        // Generous: the container sleeps 2 s between the lines; "early" must not wait for the end.
        assertThat((log.times.get(end) - log.times.get(early)) / 1_000_000).isGreaterThan(1000);
    }

    @Test
    void aTimeoutIsSaidByTheRuntimeAndMarkedInTheReport() {
        Recorded log = new Recorded();

        InvocationResult result = invoke(log, function(3, 2), "echo started; sleep 30");

        assertThat(result.timedOut()).isTrue();
        assertThat(log.lines).contains("started");
        assertThat(log.lines).anyMatch(line -> line.startsWith("scar: task timed out after 1 s (timeout 3 s minus threshold 2 s)"));
        assertThat(log.lines.get(log.lines.size() - 1)).endsWith("\tExit Code: 137\tStatus: timeout");
    }

    @Test
    void aFailureBeforeTheContainerRunsStillEndsTheRecordSayingWhy() {
        Recorded log = new Recorded();
        FunctionSpec missing = new FunctionSpec("logged", "", "sha256:gone", 128, 60, 10, null, Map.of(), null);

        assertThatThrownBy(() -> invoke(log, missing, "echo never")).isInstanceOf(ImageException.class);

        assertThat(log.lines).hasSize(4);
        assertThat(log.lines.get(0)).startsWith("START RequestId: rid-1");
        assertThat(log.lines.get(1)).startsWith("scar: error: function logged has no image");
        assertThat(log.lines.get(2)).isEqualTo("END RequestId: rid-1");
        assertThat(log.lines.get(3)).startsWith("REPORT RequestId: rid-1\t").endsWith("\tMemory Size: 128 MB\tStatus: error");
    }

    @Test
    void printingLogWritesEachLineWholeAsInsideLambda() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InvocationLog log = new PrintingInvocationLog(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Supervisor supervisor = new Supervisor(images(), executor, workRoot, log);

        supervisor.invoke(function(60, 10), new InvocationRequest("rid-2", "echo printed", List.of(), Map.of()), line -> { });

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("START RequestId: rid-2 Version: $LATEST");
        assertThat(lines).contains("printed", "END RequestId: rid-2");
        assertThat(lines.get(lines.size() - 1)).startsWith("REPORT RequestId: rid-2\t");
    }
}
