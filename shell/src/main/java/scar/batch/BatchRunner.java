package scar.batch;

import scar.invoke.InvocationRequest;
import scar.invoke.StagedInvocation;
import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;
import scar.target.Target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs one invocation per input object, as SCAR's {@code run -es} does: the first on the calling
 * thread (it warms the image cache, so the others do not all pull at once), the rest on a bounded
 * pool. Every input is claimed in the function's {@link Ledger} before it runs and recorded when it
 * ends, so a stopped or killed batch resumes where it was and never runs a finished input again.
 * Interrupting the calling thread (Ctrl-C) stops queuing, stops what runs and leaves those inputs
 * pending.
 */
public final class BatchRunner {
    private static final Pattern ERROR_WORDS = Pattern.compile(
            "(?i).*\\b(error|fail(ed|ure)?|fatal|denied|not found|no such|cannot|can't|invalid|exception)\\b.*");

    private final Target target;
    /** Told of every finished input (the watcher prints them; a batch command shows progress). */
    private final Consumer<Finished> listener;

    public BatchRunner(Target target, Consumer<Finished> listener) {
        this.target = target;
        this.listener = listener;
    }

    /** One input's end, as the shell reports it. */
    public record Finished(ObjectInfo input, String requestId, StagedInvocation invocation, String error) {
        public boolean succeeded() {
            return error == null;
        }
    }

    public BatchSummary run(BatchPlan plan, Progress progress) {
        long start = System.nanoTime();
        Ledger ledger = target.ledger(plan.function());
        State state = new State(plan, ledger, progress);
        List<ObjectInfo> inputs = plan.inputs();
        boolean cancelled = false;
        if (!inputs.isEmpty()) {
            state.queued.set(inputs.size());
            state.report();
            state.runOne(inputs.get(0));
            cancelled = Thread.currentThread().isInterrupted();
        }
        if (!cancelled && inputs.size() > 1) {
            cancelled = runRest(state, inputs.subList(1, inputs.size()), plan.concurrency());
        }
        if (cancelled) {
            Thread.interrupted(); // handled: the batch stopped; the shell goes on
        }
        ledger.sync(); // nothing is reported done that an OS crash could still make run again
        long wall = (System.nanoTime() - start) / 1_000_000;
        int notStarted = inputs.size() - state.succeeded.get() - state.failures.size();
        return new BatchSummary(plan.function(), plan.bucket(), inputs.size(), state.succeeded.get(),
                state.failures, state.outputs, state.warnings, notStarted, cancelled, wall);
    }

    private static boolean runRest(State state, List<ObjectInfo> rest, int concurrency) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, rest.size()), runnable -> {
            Thread thread = new Thread(runnable, "scar-batch");
            thread.setDaemon(true);
            return thread;
        });
        for (ObjectInfo input : rest) {
            pool.execute(() -> state.runOne(input));
        }
        pool.shutdown();
        boolean cancelled = false;
        try {
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                state.report();
            }
        } catch (InterruptedException e) {
            cancelled = true;
            // Ctrl-C: drop what is queued, stop what runs (the executor kills its containers), and wait for that.
            List<Runnable> dropped = pool.shutdownNow();
            state.queued.addAndGet(-dropped.size());
            awaitQuietly(pool);
            state.report();
        }
        return cancelled;
    }

    private static void awaitQuietly(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The counts and results of one batch, shared by its threads. */
    private final class State {
        final BatchPlan plan;
        final Ledger ledger;
        final Progress progress;
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger queued = new AtomicInteger();
        final List<BatchSummary.Failure> failures = Collections.synchronizedList(new ArrayList<>());
        final List<String> outputs = Collections.synchronizedList(new ArrayList<>());
        final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

        State(BatchPlan plan, Ledger ledger, Progress progress) {
            this.plan = plan;
            this.ledger = ledger;
            this.progress = progress;
        }

        void report() {
            progress.update(new Progress.Counts(plan.inputs().size(), succeeded.get(), failures.size(), running.get(),
                    queued.get()));
        }

        void runOne(ObjectInfo input) {
            queued.decrementAndGet();
            String requestId = UUID.randomUUID().toString();
            if (Thread.currentThread().isInterrupted() || !ledger.claim(input, requestId, plan.selection())) {
                report();
                return; // stopped, or another shell runs it or ran it meanwhile
            }
            running.incrementAndGet();
            report();
            StagedInvocation invocation = null;
            String error;
            try {
                InvocationRequest request = new InvocationRequest(requestId, plan.script(), plan.args(), plan.environment());
                invocation = target.invoke(plan.function(), request, new StorageTrigger(plan.bucket(), input.key()), line -> { });
                error = invocation.succeeded() ? null : firstErrorLine(invocation);
            } catch (RuntimeException e) {
                error = oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            running.decrementAndGet();
            // Only a run the interrupt cut short is left pending; one that ended on its own keeps its verdict.
            boolean cut = invocation == null ? Thread.currentThread().isInterrupted()
                    : Thread.currentThread().isInterrupted() && !invocation.result().timedOut()
                      && invocation.result().exitCode() == 137;
            if (cut) {
                // Stopped by Ctrl-C: not a verdict on the input; it stays pending for the next batch.
                ledger.finish(input, requestId, LedgerEntry.INTERRUPTED, null);
                if (invocation != null) {
                    outputs.addAll(invocation.outputKeys());
                }
                report();
                return;
            }
            if (invocation != null) {
                outputs.addAll(invocation.outputKeys());
                warnings.addAll(invocation.warnings());
            }
            if (error == null) {
                ledger.finish(input, requestId, LedgerEntry.SUCCEEDED, null);
                succeeded.incrementAndGet();
            } else {
                ledger.finish(input, requestId, LedgerEntry.FAILED, error);
                failures.add(new BatchSummary.Failure(input.key(), requestId, error));
            }
            report();
            listener.accept(new Finished(input, requestId, invocation, error));
        }
    }

    /** What a person needs to see first: a timeout, or the first line that reads like an error, or the exit code. */
    static String firstErrorLine(StagedInvocation invocation) {
        var result = invocation.result();
        if (result.timedOut()) {
            return "timed out after " + Math.round(result.durationMillis() / 1000.0) + " s";
        }
        List<String> lines = result.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String line = lines.stream().filter(l -> ERROR_WORDS.matcher(l).matches()).findFirst()
                .orElse(lines.isEmpty() ? null : lines.get(lines.size() - 1));
        String exit = "exit code " + result.exitCode();
        return line == null ? exit : exit + ": " + oneLine(line);
    }

    private static String oneLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    static String rate(double filesPerSecond) {
        return String.format(Locale.ROOT, "%.1f", filesPerSecond);
    }
}
