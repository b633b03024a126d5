package scar.commands;

import scar.json.SharedMapper;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.logs.LogQuery;
import scar.logs.LogSource;
import scar.logs.LoggedRunEnd;
import scar.target.AsyncInvocation;
import scar.target.TargetException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code run --async}: starts an invocation in the background and returns its request id (the one
 * the target's log knows it by); with {@code -f}, follows its log until its REPORT line and ends
 * with the container's exit code: from the run's result where the shell runs it (local), from the
 * log's last lines where the platform does (aws).
 */
final class AsyncRun {
    /**
     * Where the platform writes the log, its clock stamps the lines: following starts this far
     * back so that a local clock running ahead cannot skip the START line (the id picks the run).
     */
    private static final Duration REMOTE_CLOCK_SKEW = Duration.ofMinutes(5);

    private final Session session;

    AsyncRun(Session session) {
        this.session = session;
    }

    int start(String function, InvocationRequest request, boolean follow, boolean json) throws Exception {
        Console console = session.console();
        // Asked before starting, so a target without logs fails before anything runs.
        LogSource logs = follow ? session.target().logs() : null;
        Instant started = Instant.now().minusSeconds(1);
        AsyncInvocation invocation = session.target().invokeAsync(function, request);
        String rid = invocation.requestId();
        if (!follow) {
            if (json) {
                console.println(SharedMapper.get().writeValueAsString(Map.of("RequestId", rid)));
            } else {
                console.info("Request Id: " + rid);
                console.info("Running in the background; follow it with: log -f -ri " + rid + " " + function);
            }
            return ExitCodes.OK;
        }
        console.info("Request Id: " + rid);
        LogPrinter printer = new LogPrinter(console, false, false);
        Optional<CompletableFuture<InvocationResult>> completion = invocation.completion();
        // An invocation that fails before its START line (a damaged function) logs nothing to wait for.
        Thread following = Thread.currentThread();
        completion.ifPresent(result -> result.whenComplete((done, failure) -> {
            if (failure != null) {
                following.interrupt();
            }
        }));
        LoggedRunEnd end = new LoggedRunEnd();
        Instant since = completion.isPresent() ? started : started.minus(REMOTE_CLOCK_SKEW);
        try {
            logs.follow(new LogQuery(function, null, rid, since, null), events -> {
                printer.print(events);
                events.forEach(end::see);
                return events.stream().noneMatch(e -> e.isReport() && rid.equals(e.markedRequestId()));
            });
        } catch (InterruptedException e) {
            if (completion.isPresent() && completion.get().isCompletedExceptionally()) {
                Thread.interrupted();
            } else {
                Thread.currentThread().interrupt();
                console.info("Stopped following; the invocation goes on: log -f -ri " + rid + " " + function);
                return ExitCodes.OK;
            }
        }
        if (completion.isEmpty()) {
            return end.exitCode().orElseThrow(() -> new TargetException("the run " + rid + " of '" + function
                    + "' failed on " + session.target().name() + ": " + end.failure() + "; 'log -ri " + rid + " "
                    + function + "' shows its log"));
        }
        try {
            return completion.get().get().exitCode();
        } catch (ExecutionException e) {
            // The log already said why; the same one line ends the command.
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
