package scar.commands;

import com.fasterxml.jackson.databind.SerializationFeature;
import scar.json.SharedMapper;
import scar.batch.BatchPlan;
import scar.batch.BatchRunner;
import scar.batch.BatchSummary;
import scar.batch.CtrlC;
import scar.batch.Progress;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a batch for a command ({@code run -es}, {@code put} into a bound bucket) and shows it:
 * a progress line on a terminal, then the summary as text or JSON.
 */
final class BatchLaunch {
    private final Session session;

    BatchLaunch(Session session) {
        this.session = session;
    }

    BatchSummary run(BatchPlan plan, boolean json) {
        BatchRunner runner = new BatchRunner(session.target(), finished -> { });
        return run(progress -> runner.run(plan, progress), json);
    }

    /** Any batch (the shell's own, or one the platform runs), with the same progress line and summary. */
    BatchSummary run(java.util.function.Function<Progress, BatchSummary> batch, boolean json) {
        Console console = session.console();
        ProgressLine progress = console.interactive() && !json ? new ProgressLine(console.err()) : null;
        BatchSummary summary;
        try (CtrlC ignored = CtrlC.interrupts(Thread.currentThread())) {
            summary = batch.apply(progress == null ? Progress.NONE : progress);
        } finally {
            if (progress != null) {
                progress.clear();
            }
        }
        if (json) {
            console.println(document(summary));
        } else {
            print(summary);
        }
        return summary;
    }

    private void print(BatchSummary s) {
        Console console = session.console();
        for (String warning : s.warnings()) {
            console.info("warning: " + warning);
        }
        for (BatchSummary.Failure failure : s.failed()) {
            console.info("failed: " + failure.key() + " (request " + failure.requestId() + "): " + failure.error());
        }
        if (s.cancelled()) {
            console.info("stopped: " + s.notStarted() + " input(s) not run; they stay pending for the next 'run -es "
                    + s.bucket() + "'");
        }
        console.println(String.format(Locale.ROOT,
                "Function '%s' on bucket %s: %d file(s), %d succeeded, %d failed, %d output(s) written in %.1f s (%.1f files/s)",
                s.function(), s.bucket(), s.files(), s.succeeded(), s.failed().size(), s.outputs().size(),
                s.wallMillis() / 1000.0, s.filesPerSecond()));
    }

    private static String document(BatchSummary s) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Function", s.function());
        doc.put("Bucket", s.bucket());
        doc.put("Files", s.files());
        doc.put("Succeeded", s.succeeded());
        doc.put("Failed", s.failed().stream().map(f -> Map.of("Key", f.key(), "RequestId", f.requestId(),
                "Error", f.error())).toList());
        doc.put("NotStarted", s.notStarted());
        doc.put("Cancelled", s.cancelled());
        doc.put("Outputs", s.outputs());
        doc.put("Warnings", s.warnings());
        doc.put("WallTimeMillis", s.wallMillis());
        doc.put("FilesPerSecond", Math.round(s.filesPerSecond() * 100) / 100.0);
        try {
            return SharedMapper.get().writeValueAsString(Map.of("Batch", doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line on the terminal, rewritten in place, at most ten times a second. */
    private static final class ProgressLine implements Progress {
        private final PrintWriter err;
        private long lastDraw;
        private int width;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void update(Counts c) {
            long now = System.nanoTime();
            boolean last = c.done() == c.total();
            if (!last && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int bar = 24;
            int filled = c.total() == 0 ? bar : c.done() * bar / c.total();
            String line = String.format(Locale.ROOT, "[%s%s] %d/%d  done %d  failed %d  running %d  queued %d",
                    "#".repeat(filled), ".".repeat(bar - filled), c.done(), c.total(), c.succeeded(), c.failed(),
                    c.running(), c.queued());
            width = Math.max(width, line.length());
            err.print("\r" + line + " ".repeat(width - line.length()));
            err.flush();
        }

        synchronized void clear() {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
    }
}
