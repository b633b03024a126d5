package scar.commands;

import picocli.CommandLine;
import scar.batch.BatchPlan;
import scar.batch.BatchSummary;
import scar.batch.Inputs;
import scar.batch.Ledger;
import scar.batch.Selection;
import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;
import scar.target.FunctionNotFoundException;
import scar.target.TargetException;

import java.util.List;
import java.util.Map;

/** {@code run -es BUCKET [NAME]}: one invocation per input file of the bucket, as a batch. */
final class EventSourceRun {
    private final Session session;

    EventSourceRun(Session session) {
        this.session = session;
    }

    /** The function bound to the bucket when none is named; exactly one must be. */
    static String boundFunction(Session session, String bucket) {
        return onlyOne(bucket, session.target().bindings().entrySet().stream()
                .filter(e -> e.getValue().equals(bucket)).map(Map.Entry::getKey).toList());
    }

    /** The one function of {@code bound} (those bound to the bucket); none or several is the user's to settle. */
    static String onlyOne(String bucket, List<String> bound) {
        if (bound.isEmpty()) {
            throw new TargetException("no function is bound to bucket " + bucket + ": name one (run -es " + bucket
                    + " NAME) or create one with 'init -es " + bucket + " IMAGE'");
        }
        if (bound.size() > 1) {
            throw new TargetException("functions " + String.join(", ", bound) + " are bound to bucket " + bucket
                    + ": name the one to run (run -es " + bucket + " NAME)");
        }
        return bound.get(0);
    }

    int run(CommandLine commandLine, String bucketText, String function, String script, List<String> args,
            Map<String, String> env, boolean retryFailed, boolean json) {
        BucketPath where = BucketPath.parse(commandLine, bucketText);
        if (!where.path().isEmpty()) {
            throw new CommandLine.ParameterException(commandLine, "give the bucket only (run -es " + where.bucket()
                    + "): its input/ folder is what runs");
        }
        String bucket = where.bucket();
        var remote = session.target().remoteBatch();
        if (remote.isPresent()) {
            return new RemoteEventSourceRun(session, remote.get()).run(bucket, function, script, args, env,
                    retryFailed, json);
        }
        String chosen = function != null ? function : boundFunction(session, bucket);
        session.target().find(chosen).orElseThrow(() -> new FunctionNotFoundException(chosen));
        Selection selection = retryFailed ? Selection.RETRY_FAILED : Selection.PENDING;
        List<ObjectInfo> all = Inputs.of(session.target().storage().list(bucket, StorageTrigger.INPUT_FOLDER));
        Ledger ledger = session.target().ledger(chosen);
        List<ObjectInfo> inputs = ledger.wanted(all, selection);
        if (inputs.isEmpty()) {
            String why = all.isEmpty() ? "bucket " + bucket + " has no files under input/; add some with 'put -b "
                    + bucket + "/input -p PATH'"
                    : retryFailed ? "no input of bucket " + bucket + " has a failed last run"
                    : "all " + all.size() + " input(s) of bucket " + bucket + " were already processed by '" + chosen
                      + "'; --retry-failed reruns the failed ones";
            if (json) {
                session.console().println("{\"Batch\":{\"Function\":\"" + chosen + "\",\"Bucket\":\"" + bucket
                        + "\",\"Files\":0}}");
            } else {
                session.console().println(why);
            }
            return ExitCodes.OK;
        }
        BatchPlan plan = new BatchPlan(chosen, bucket, inputs, selection,
                session.config().effectiveBatchConcurrency(), script, args, env);
        BatchSummary summary = new BatchLaunch(session).run(plan, json);
        return exitCode(summary);
    }

    static int exitCode(BatchSummary summary) {
        if (summary.cancelled()) {
            return ExitCodes.INTERRUPTED;
        }
        return summary.failed().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
