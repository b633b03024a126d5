package scar.target.aws;

import scar.batch.BatchSummary;
import scar.batch.Progress;
import scar.batch.RemoteBatch;
import scar.lambda.S3EventTrigger;
import scar.lambda.ScarResponse;
import scar.storage.ObjectInfo;
import scar.target.FunctionNotFoundException;
import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code run -es BUCKET} on Lambda, as SCAR does it: the first object with a RequestResponse
 * invocation (it pulls the image into the instance's cache, and its result shows that the
 * function works), the others as {@code Event} invocations that Lambda queues and runs on as many
 * instances as it likes. Each invocation carries its own S3 event document naming its own key
 * (SCAR HEAD sent every event with the last key). The shell keeps at most {@code concurrency}
 * requests in flight; Lambda's answer to an Event invocation only says it was queued, so those
 * results are in the function's log.
 */
final class LambdaBatch implements RemoteBatch {
    /** In-flight Event requests when batch_concurrency is not set: HTTP calls, not containers. */
    static final int DEFAULT_CONCURRENCY = 16;

    private final LambdaClient lambda;
    private final S3Notifications notifications;
    private final AwsSettings settings;
    private final String region;

    LambdaBatch(LambdaClient lambda, S3Notifications notifications, AwsSettings settings, String region) {
        this.lambda = lambda;
        this.notifications = notifications;
        this.settings = settings;
        this.region = region;
    }

    @Override
    public List<String> functionsBoundTo(String bucket) {
        return notifications.boundFunctions(bucket);
    }

    @Override
    public BatchSummary run(String function, String bucket, List<ObjectInfo> inputs, int concurrency, Progress progress) {
        long start = System.nanoTime();
        int threads = concurrency > 0 ? Math.min(concurrency, 256) : DEFAULT_CONCURRENCY;
        List<BatchSummary.Failure> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger queued = new AtomicInteger();
        List<String> warnings = new ArrayList<>();
        int total = inputs.size();
        progress.update(new Progress.Counts(total, 0, 0, 1, total - 1));

        // The first one waits for its result; a function that cannot be invoked at all stops here.
        ObjectInfo first = inputs.get(0);
        InvokeResponse firstResponse = invoke(function, bucket, first.key(), InvocationType.REQUEST_RESPONSE);
        String problem = problem(firstResponse);
        if (problem == null) {
            succeeded.incrementAndGet();
        } else {
            failures.add(new BatchSummary.Failure(first.key(), requestId(firstResponse), problem));
        }

        int notStarted = 0;
        boolean cancelled = false;
        List<ObjectInfo> rest = inputs.subList(1, total);
        if (!rest.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, rest.size()), daemon());
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (ObjectInfo input : rest) {
                    futures.add(pool.submit(() -> {
                        try {
                            InvokeResponse response = invoke(function, bucket, input.key(), InvocationType.EVENT);
                            if (response.statusCode() == 202) {
                                succeeded.incrementAndGet();
                                queued.incrementAndGet();
                            } else {
                                failures.add(new BatchSummary.Failure(input.key(), requestId(response),
                                        "Lambda answered " + response.statusCode() + " instead of queueing it"));
                            }
                        } catch (TargetException e) {
                            failures.add(new BatchSummary.Failure(input.key(), "-", e.getMessage()));
                        }
                        progress.update(new Progress.Counts(total, succeeded.get(), failures.size(), 0, 0));
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } catch (InterruptedException e) {
                // Ctrl-C: what was not sent yet stays unsent; what was queued on Lambda runs anyway.
                Thread.currentThread().interrupt();
                cancelled = true;
                pool.shutdownNow();
                notStarted = (int) futures.stream().filter(f -> f.isCancelled() || !f.isDone()).count();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new TargetException("run -es stopped: " + e.getCause().getMessage());
            } finally {
                pool.shutdownNow();
            }
        }
        if (queued.get() > 0) {
            warnings.add(queued.get() + " object(s) were queued on Lambda as Event invocations: they count as succeeded "
                    + "once queued; their results are in the function's log ('log " + function + "')");
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        return new BatchSummary(function, bucket, total, succeeded.get(), failures, List.of(), warnings, notStarted,
                cancelled, wall);
    }

    private InvokeResponse invoke(String function, String bucket, String key, InvocationType type) {
        byte[] event = S3EventTrigger.toJson(bucket, key, region);
        return call(function, () -> lambda.invoke(b -> b.functionName(function).invocationType(type)
                .payload(SdkBytes.fromByteArray(event))));
    }

    /** Null when the synchronous run succeeded; else its one-line reason. */
    private static String problem(InvokeResponse response) {
        byte[] body = response.payload() == null ? new byte[0] : response.payload().asByteArray();
        if (response.functionError() != null) {
            return "failed on Lambda (" + response.functionError() + "): " + AwsErrors.oneLine(
                    new String(body, StandardCharsets.UTF_8));
        }
        var answer = ScarResponse.parse(body);
        if (answer.isEmpty()) {
            return "the function answered with something that is not a scar result: "
                    + AwsErrors.oneLine(new String(body, StandardCharsets.UTF_8));
        }
        if (answer.get().error() != null) {
            return answer.get().error();
        }
        var result = answer.get().result();
        if (result.timedOut()) {
            return "timed out";
        }
        return result.exitCode() == 0 ? null : "exit code " + result.exitCode();
    }

    private static String requestId(InvokeResponse response) {
        String id = response.responseMetadata() == null ? null : response.responseMetadata().requestId();
        return id == null || id.isBlank() || id.equals("UNKNOWN") ? "-" : id;
    }

    private <T> T call(String function, Supplier<T> call) {
        try {
            return call.get();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            throw new FunctionNotFoundException(function);
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings, "lambda:InvokeFunction", e));
        } catch (SdkClientException e) {
            throw new TargetException(AwsErrors.describeClient(settings, "lambda:InvokeFunction", e));
        } catch (SdkException e) {
            throw new TargetException(AwsErrors.describe(settings, "lambda:InvokeFunction", e));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "scar-lambda-batch");
            thread.setDaemon(true);
            return thread;
        };
    }
}
