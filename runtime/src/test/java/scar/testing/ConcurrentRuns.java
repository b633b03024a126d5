package scar.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many runs at once, each checking what it sees: for tests of what concurrent runs share (work
 * directories, root filesystem trees, buckets). A run's failure, thrown or found, becomes one
 * line naming the run, so a test asserts that the list is empty and shows every problem at once.
 */
public final class ConcurrentRuns {
    /** One run's check: adds a line to {@code problems} for each thing it saw wrong. */
    @FunctionalInterface
    public interface Check {
        void run(int run, List<String> problems) throws Exception;
    }

    private ConcurrentRuns() {
    }

    /** Runs {@code runs} checks, {@code threads} at a time; every problem they found. */
    public static List<String> problems(int threads, int runs, Check check) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int run = i;
                results.add(pool.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    try {
                        check.run(run, problems);
                    } catch (Exception e) {
                        problems.add("run " + run + ": " + e);
                    }
                    return problems;
                }));
            }
            List<String> problems = new ArrayList<>();
            for (Future<List<String>> result : results) {
                try {
                    problems.addAll(result.get());
                } catch (ExecutionException e) {
                    problems.add(String.valueOf(e.getCause()));
                }
            }
            return problems;
        } finally {
            pool.shutdownNow();
        }
    }
}
