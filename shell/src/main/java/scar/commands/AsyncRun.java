package scar.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.logs.LogQuery;
import scar.logs.LogSource;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code run --async}: starts an invocation in the background and returns its request id; with
 * {@code -f}, follows its log until its REPORT line and ends with the container's exit code.
 */
final class AsyncRun {
    private final Session session;

    AsyncRun(Session session) {
        this.session = session;
    }

    int start(String function, InvocationRequest request, boolean follow, boolean json) throws Exception {
        Console console = session.console();
        String rid = request.requestId();
        // Asked before starting, so a target without logs fails before anything runs.
        LogSource logs = follow ? session.target().logs() : null;
        Instant started = Instant.now().minusSeconds(1);
        CompletableFuture<InvocationResult> result = session.target().invokeAsync(function, request);
        if (!follow) {
            if (json) {
                console.println(new ObjectMapper().writeValueAsString(Map.of("RequestId", rid)));
            } else {
                console.info("Request Id: " + rid);
                console.info("Running in the background; follow it with: log -f -ri " + rid + " " + function);
            }
            return ExitCodes.OK;
        }
        console.info("Request Id: " + rid);
        LogPrinter printer = new LogPrinter(console, false, false);
        // An invocation that fails before its START line (a damaged function) logs nothing to wait for.
        Thread following = Thread.currentThread();
        result.whenComplete((done, failure) -> {
            if (failure != null) {
                following.interrupt();
            }
        });
        try {
            logs.follow(new LogQuery(function, null, rid, started, null), events -> {
                printer.print(events);
                return events.stream().noneMatch(e -> e.isReport() && rid.equals(e.markedRequestId()));
            });
        } catch (InterruptedException e) {
            if (result.isCompletedExceptionally()) {
                Thread.interrupted();
            } else {
                Thread.currentThread().interrupt();
                console.info("Stopped following; the invocation goes on: log -f -ri " + rid + " " + function);
                return ExitCodes.OK;
            }
        }
        try {
            return result.get().exitCode();
        } catch (ExecutionException e) {
            // The log already said why; the same one line ends the command.
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
