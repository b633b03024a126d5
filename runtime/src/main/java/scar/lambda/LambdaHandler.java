package scar.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import scar.exec.ProotExecutor;
import scar.image.ImageException;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationException;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.invoke.StagedInvocation;
import scar.invoke.StorageTrigger;
import scar.invoke.Supervisor;
import scar.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The entry point of every scar function on Lambda ({@value FunctionConfig#HANDLER}). It runs the
 * same {@link Supervisor} as the local target: the image is pulled into {@code /tmp} on a cold
 * start and reused while the instance stays warm (Lambda keeps one handler object per instance,
 * so the supervisor lives in a field, not in static state).
 *
 * <p>proot comes from the layer's bundle ({@code /opt/proot}, found next to this jar), started
 * through the bundled loader so that the host's libraries never mix with the bundle's.
 */
public final class LambdaHandler implements RequestStreamHandler {
    /** Output kept in the response: Lambda's 6 MB response limit less room for the JSON around it. */
    static final long OUTPUT_CAP = 5L * 1024 * 1024;
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** What a container gets of the function's own environment: its credentials and region. */
    private static final List<String> PASSED_TO_CONTAINER = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION");

    private final Map<String, String> environment;
    private Supervisor supervisor;
    private S3Staging s3;
    private FunctionSpec function;

    /** Called by Lambda's Java runtime. */
    public LambdaHandler() {
        this(System.getenv());
    }

    LambdaHandler(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaLogger logger = context.getLogger();
        ScarResponse response;
        try {
            byte[] payload = input.readAllBytes();
            if (PreheatEvent.is(payload)) {
                output.write(preheat(context).toJson());
                output.flush();
                return;
            }
            Optional<StorageTrigger> trigger = S3EventTrigger.parse(payload);
            if (trigger.isPresent()) {
                output.write(handleS3Event(trigger.get(), context).toJson());
                output.flush();
                return;
            }
            ScarEvent event = ScarEvent.parse(payload);
            FunctionSpec fn = function(context);
            String requestId = event.requestId() != null && REQUEST_ID.matcher(event.requestId()).matches()
                    ? event.requestId() : context.getAwsRequestId();
            InvocationRequest request = new InvocationRequest(requestId, event.script(), event.args(),
                    event.environment());
            InvocationResult result = supervisor().invoke(fn, request, line -> logger.log(line + "\n"));
            // Last line before Lambda's END/REPORT: an Event invocation's follower reads the code here.
            logger.log(ExitCodeLine.format(result.exitCode()) + "\n");
            response = ScarResponse.of(result, context.getLogGroupName(), context.getLogStreamName());
        } catch (InvocationException | ImageException e) {
            // The user's mistake or the image's: one line back to the shell, also in the log.
            logger.log("scar: " + e.getMessage() + "\n");
            response = ScarResponse.failure(e.getMessage());
        }
        output.write(response.toJson());
        output.flush();
    }

    /**
     * An object put under a bucket's {@code input/}: staged from S3 to
     * {@code /tmp/$REQUEST_ID/input/<name>}, the function's own script or command run on it, and
     * {@code $TMP_OUTPUT_DIR} uploaded to the bucket's {@code output/}, through the same
     * {@link scar.storage.ObjectStorage} rules as on the local target.
     */
    private ScarResponse handleS3Event(StorageTrigger trigger, Context context) {
        LambdaLogger logger = context.getLogger();
        try {
            InvocationRequest request = new InvocationRequest(context.getAwsRequestId(), null, List.of(), Map.of());
            StagedInvocation staged = supervisor().invoke(function(context), request, s3().storage(), trigger,
                    line -> logger.log(line + "\n"));
            staged.outputKeys().forEach(key -> logger.log("scar: uploaded s3://" + trigger.bucket() + "/" + key + "\n"));
            staged.warnings().forEach(warning -> logger.log("scar: warning: " + warning + "\n"));
            logger.log(ExitCodeLine.format(staged.result().exitCode()) + "\n");
            return ScarResponse.of(staged.result(), context.getLogGroupName(), context.getLogStreamName());
        } catch (InvocationException | ImageException | StorageException e) {
            logger.log("scar: " + e.getMessage() + "\n");
            return ScarResponse.failure(e.getMessage());
        }
    }

    /** {@code init -p}: the image into this instance's cache, nothing run; the output names the image. */
    private ScarResponse preheat(Context context) {
        LambdaLogger logger = context.getLogger();
        long start = System.nanoTime();
        try {
            String id = supervisor().prepare(function(context), note -> logger.log("scar: " + note + "\n"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            return ScarResponse.of(new InvocationResult(context.getAwsRequestId(), 0, "image " + id + " ready\n", false,
                    false, millis), context.getLogGroupName(), context.getLogStreamName());
        } catch (InvocationException | ImageException e) {
            logger.log("scar: " + e.getMessage() + "\n");
            return ScarResponse.failure(e.getMessage());
        }
    }

    private S3Staging s3() {
        if (s3 == null) {
            s3 = new S3Staging(environment);
        }
        return s3;
    }

    /** The function's configuration with this invocation's deadline and the function's credentials. */
    private FunctionSpec function(Context context) {
        if (function == null) {
            function = FunctionConfig.read(Path.of(environment.getOrDefault("LAMBDA_TASK_ROOT", "/var/task")));
        }
        FunctionSpec fn = function;
        String image = environment.getOrDefault(FunctionConfig.ENV_IMAGE, fn.image());
        int threshold = intOr(environment.get(FunctionConfig.ENV_THRESHOLD), fn.timeoutThresholdSeconds());
        int remainingSeconds = Math.max(1, (int) Math.ceil(context.getRemainingTimeInMillis() / 1000.0));
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : PASSED_TO_CONTAINER) {
            if (environment.containsKey(name)) {
                env.put(name, environment.get(name));
            }
        }
        env.putAll(fn.environment());
        return new FunctionSpec(fn.name(), image, fn.imageId(), fn.memoryMb(), remainingSeconds,
                Math.min(threshold, remainingSeconds - 1), fn.description(), env, fn.initScript());
    }

    private Supervisor supervisor() {
        if (supervisor == null) {
            Path tmp = Path.of(environment.getOrDefault("SCAR_TMP", "/tmp"));
            Path cache = tmp.resolve("scar-cache");
            try {
                Files.createDirectories(cache);
            } catch (IOException e) {
                throw new InvocationException("cannot use " + cache + " for the image cache: " + e.getMessage());
            }
            // capped, so that a warm instance pulling image after image evicts old ones instead of filling /tmp
            CacheBudget budget = CacheBudget.of(environment, cache);
            var images = new LocalImageStore(cache, new RegistryClient(), budget.maxBytes(), budget.maxBytes(),
                    budget.setting(), new LocalImageStore.Listener() {
                    }, java.time.Duration.ofHours(6));
            supervisor = new Supervisor(images, executor(), tmp);
        }
        return supervisor;
    }

    private ProotExecutor executor() {
        Path bundle = prootBundle();
        ProotExecutor proot = bundle == null ? new ProotExecutor()
                : new ProotExecutor(List.of(bundle.resolve("ld-linux-x86-64.so.2").toString(),
                        "--library-path", bundle.toString(), bundle.resolve("proot").toString()), OUTPUT_CAP)
                        .withEnvHelper(java.util.Optional.of(bundle.resolve("busybox")));
        // As udocker does: the function's own PROOT_NO_SECCOMP turns seccomp mode off from the start.
        String noSeccomp = environment.get("PROOT_NO_SECCOMP");
        return noSeccomp != null && !noSeccomp.isEmpty() ? proot.withoutSeccomp() : proot;
    }

    /** {@code $SCAR_PROOT_DIR}, else {@code proot/} of the layer this jar came from ({@code java/lib/..}). */
    private Path prootBundle() {
        String configured = environment.get("SCAR_PROOT_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path jar = Path.of(LambdaHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path layerRoot = jar.getParent() == null || jar.getParent().getParent() == null ? null
                    : jar.getParent().getParent().getParent();
            if (layerRoot != null && Files.isExecutable(layerRoot.resolve("proot").resolve("proot"))) {
                return layerRoot.resolve("proot");
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // No code source to go by: fall back to proot on PATH.
        }
        return null;
    }

    private static int intOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
