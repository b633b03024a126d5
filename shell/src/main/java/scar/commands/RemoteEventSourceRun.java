package scar.commands;

import scar.batch.BatchSummary;
import scar.batch.Inputs;
import scar.batch.RemoteBatch;
import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;
import scar.target.FunctionNotFoundException;
import scar.target.TargetException;

import java.util.List;
import java.util.Map;

/**
 * {@code run -es BUCKET [NAME]} where the platform runs each invocation (aws): every input of the
 * bucket, each its own event, with the same summary as on the local target. There is no ledger:
 * Lambda does not tell the shell how an Event invocation ended, so every input runs each time.
 */
final class RemoteEventSourceRun {
    private final Session session;
    private final RemoteBatch batch;

    RemoteEventSourceRun(Session session, RemoteBatch batch) {
        this.session = session;
        this.batch = batch;
    }

    int run(String bucket, String function, String script, List<String> args, Map<String, String> env,
            boolean retryFailed, boolean json) {
        String target = session.target().name();
        if (retryFailed) {
            throw new TargetException("--retry-failed is not available on the " + target + " target: Lambda keeps no "
                    + "record of which Event invocation failed; 'log NAME' shows them, and 'run -es' runs every input again");
        }
        if (script != null || !args.isEmpty() || !env.isEmpty()) {
            // S3 events carry only the object: what runs is the function's own script or command.
            throw new TargetException("run -es on the " + target + " target runs the function as S3 would, with its "
                    + "init script or the image's command: -s, -e and ARGS are not sent; create the function with them");
        }
        String chosen = function != null ? function : bound(bucket);
        session.target().find(chosen).orElseThrow(() -> new FunctionNotFoundException(chosen));
        List<ObjectInfo> inputs = Inputs.of(session.target().storage().list(bucket, StorageTrigger.INPUT_FOLDER));
        if (inputs.isEmpty()) {
            if (json) {
                session.console().println("{\"Batch\":{\"Function\":\"" + chosen + "\",\"Bucket\":\"" + bucket
                        + "\",\"Files\":0}}");
            } else {
                session.console().println("bucket " + bucket + " has no files under input/; add some with 'put -b "
                        + bucket + "/input -p PATH'");
            }
            return ExitCodes.OK;
        }
        int concurrency = session.config().batchConcurrency();
        BatchSummary summary = new BatchLaunch(session).run(
                progress -> batch.run(chosen, bucket, inputs, concurrency, progress), json);
        return EventSourceRun.exitCode(summary);
    }

    private String bound(String bucket) {
        return EventSourceRun.onlyOne(bucket, batch.functionsBoundTo(bucket));
    }
}
