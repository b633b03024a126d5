package scar.batch;

import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;
import scar.storage.StorageException;
import scar.target.Target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs in the shell: watches {@code input/} of every bound bucket and invokes the bound function
 * once per new file, whoever put it there. Polling, not inotify: it must also see files that
 * arrived while no shell ran, on any file system, and the ledger (not the event) is what makes a
 * file run exactly once. A file runs only once its size and time have not changed for
 * {@code settle}, so a file still being copied in is not processed half-written.
 */
public final class BucketWatcher implements AutoCloseable {
    private final Target target;
    private final int concurrency;
    private final Duration poll;
    private final Duration settle;
    private final Consumer<String> report;
    private final BatchRunner runner;
    /** function + key → the version last seen and since when it has not changed. */
    private final Map<String, Seen> candidates = new HashMap<>();
    private final Set<String> reportedProblems = new HashSet<>();
    private Thread thread;

    private record Seen(String version, long sinceNanos) {
    }

    public BucketWatcher(Target target, int concurrency, Duration poll, Duration settle, Consumer<String> report) {
        this.target = target;
        this.concurrency = concurrency;
        this.poll = poll;
        this.settle = settle;
        this.report = report;
        this.runner = new BatchRunner(target, this::reportFinished);
    }

    public synchronized BucketWatcher start() {
        if (thread == null) {
            thread = new Thread(this::loop, "scar-bucket-watcher");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                pollOnce();
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                problem("watcher", "bucket watcher: " + e.getMessage());
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One look at every bound bucket; runs what has settled. */
    void pollOnce() {
        Set<String> stillThere = new HashSet<>();
        for (Map.Entry<String, String> binding : target.bindings().entrySet()) {
            String function = binding.getKey();
            String bucket = binding.getValue();
            List<ObjectInfo> objects;
            try {
                objects = Inputs.of(target.storage().list(bucket, StorageTrigger.INPUT_FOLDER));
            } catch (StorageException e) {
                problem(function + bucket, "function '" + function + "': " + e.getMessage());
                continue;
            }
            reportedProblems.remove(function + bucket);
            List<ObjectInfo> pending = target.ledger(function).wanted(objects, Selection.PENDING);
            List<ObjectInfo> ready = new ArrayList<>();
            long now = System.nanoTime();
            for (ObjectInfo object : pending) {
                String id = function + "\u0000" + object.key();
                stillThere.add(id);
                Seen seen = candidates.get(id);
                if (seen == null || !seen.version().equals(object.version())) {
                    candidates.put(id, new Seen(object.version(), now));
                } else if (now - seen.sinceNanos() >= settle.toNanos()) {
                    ready.add(object);
                }
            }
            if (!ready.isEmpty()) {
                runner.run(new BatchPlan(function, bucket, ready, Selection.PENDING, concurrency, null, List.of(), Map.of()),
                        Progress.NONE);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
        candidates.keySet().retainAll(stillThere);
    }

    private void reportFinished(BatchRunner.Finished finished) {
        String outputs = finished.invocation() == null ? "" : ", " + finished.invocation().outputKeys().size() + " output(s)";
        if (finished.succeeded()) {
            report.accept("[" + finished.input().key() + "] done (request " + finished.requestId() + outputs + ")");
        } else {
            report.accept("[" + finished.input().key() + "] failed (request " + finished.requestId() + outputs + "): "
                    + finished.error());
        }
        if (finished.invocation() != null) {
            finished.invocation().warnings().forEach(w -> report.accept("[" + finished.input().key() + "] warning: " + w));
        }
    }

    private void problem(String id, String message) {
        if (reportedProblems.add(id)) {
            report.accept(message);
        }
    }

    /** Stops watching; a run in progress is stopped and stays pending for the next shell. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            running = thread;
            thread = null;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
