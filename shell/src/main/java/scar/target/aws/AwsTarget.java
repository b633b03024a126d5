package scar.target.aws;

import scar.storage.s3.S3ObjectStorage;

import scar.image.ImageRef;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.lambda.FunctionConfig;
import scar.lambda.ScarEvent;
import scar.lambda.ScarResponse;
import scar.target.AsyncInvocation;
import scar.target.FunctionNames;
import scar.target.FunctionNotFoundException;
import scar.target.NewFunction;
import scar.target.Target;
import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.Runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Functions on AWS Lambda: each is a Lambda function running scar's handler from the shared
 * runtime layer, logging to CloudWatch Logs. Only functions scar made (its handler, its
 * environment) are listed, run or removed; others in the account are left alone.
 */
public final class AwsTarget implements Target {
    /** Tags on every function scar creates, as SCAR does. */
    static final Map<String, String> TAGS = Map.of("createdby", "scar");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    private final AwsClients.Clients clients;
    private final String role;
    private final RuntimeLayer layer;
    private final java.time.Duration logPoll;
    private java.util.function.Function<ImageRef, String> imageIds = ref -> "";

    /**
     * @param role {@code lambda_role}: a role ARN, or a role name looked up in IAM; blank when
     *             not set (then {@code init} says how to set it)
     */
    public AwsTarget(AwsClients.Clients clients, String role) {
        this(clients, role, new RuntimeLayer(), java.time.Duration.ofSeconds(1));
    }

    /** @param logPoll how often {@code log -f} polls CloudWatch Logs ({@code log_poll_ms}) */
    public AwsTarget(AwsClients.Clients clients, String role, java.time.Duration logPoll) {
        this(clients, role, new RuntimeLayer(), logPoll);
    }

    AwsTarget(AwsClients.Clients clients, String role, RuntimeLayer layer) {
        this(clients, role, layer, java.time.Duration.ofSeconds(1));
    }

    /**
     * @param imageIds the image id (config digest) of a reference, looked up in its registry from
     *                 here at {@code init} so that {@code ls} shows IMAGE_ID as on the local target
     */
    public AwsTarget(AwsClients.Clients clients, String role, java.time.Duration logPoll,
                     java.util.function.Function<ImageRef, String> imageIds) {
        this(clients, role, new RuntimeLayer(), logPoll);
        this.imageIds = imageIds;
    }

    AwsTarget(AwsClients.Clients clients, String role, RuntimeLayer layer, java.time.Duration logPoll) {
        this.clients = clients;
        this.role = role == null ? "" : role.strip();
        this.layer = layer;
        this.logPoll = logPoll;
    }

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public FunctionSpec create(NewFunction function) {
        if (function.imageFile() != null) {
            throw new TargetException("image files (-if) are not supported on the aws target yet (they need S3): "
                    + "push the image to a registry and give its reference");
        }
        ImageRef ref = ImageRef.parse(function.image());
        for (String key : function.environment().keySet()) {
            if (FunctionConfig.isReserved(key)) {
                throw new TargetException("environment variable " + key + " is scar's own; choose another name");
            }
        }
        String roleArn = roleArn();
        FunctionSpec spec = new FunctionSpec(function.name(), ref.display(), imageId(ref), function.memoryMb(),
                function.timeoutSeconds(), function.timeoutThresholdSeconds(), function.description(),
                function.environment(), function.initScript());
        Map<String, String> environment = new LinkedHashMap<>(function.environment());
        environment.put(FunctionConfig.ENV_IMAGE, spec.image());
        environment.put(FunctionConfig.ENV_THRESHOLD, Integer.toString(spec.timeoutThresholdSeconds()));
        if (!spec.imageId().isEmpty()) {
            environment.put(FunctionConfig.ENV_IMAGE_ID, spec.imageId());
        }
        LambdaClient lambda = clients.lambda();
        String layerArn = layer.ensure(lambda, settings());
        AwsErrors.run(settings(), "lambda:CreateFunction", () -> {
            try {
                lambda.createFunction(b -> b
                        .functionName(spec.name())
                        .runtime(Runtime.JAVA21)
                        .architectures(Architecture.X86_64)
                        .handler(FunctionConfig.HANDLER)
                        .role(roleArn)
                        .code(c -> c.zipFile(SdkBytes.fromByteArray(FunctionConfig.codeZip(spec))))
                        .layers(layerArn)
                        .memorySize(spec.memoryMb())
                        .timeout(spec.timeoutSeconds())
                        .description(spec.description())
                        .environment(e -> e.variables(environment))
                        .tags(TAGS));
            } catch (ResourceConflictException e) {
                throw new TargetException("function '" + spec.name() + "' already exists; remove it first with 'rm -n "
                        + spec.name() + "' or choose another name with -n");
            } catch (InvalidParameterValueException e) {
                if (AwsErrors.message(e).toLowerCase(java.util.Locale.ROOT).contains("role")) {
                    throw new TargetException("Lambda cannot use lambda_role '" + roleArn + "': " + AwsErrors.message(e)
                            + "; the role must exist and trust lambda.amazonaws.com");
                }
                throw e;
            }
        });
        return spec;
    }

    @Override
    public List<FunctionSpec> list() {
        LambdaClient lambda = clients.lambda();
        return AwsErrors.call(settings(), "lambda:ListFunctions", () -> {
            List<FunctionSpec> functions = new ArrayList<>();
            // The paginator follows NextMarker: Lambda returns at most 50 functions a page.
            for (var page : lambda.listFunctionsPaginator(b -> b.maxItems(50))) {
                for (FunctionConfiguration configuration : page.functions()) {
                    if (isScars(configuration)) {
                        functions.add(spec(configuration));
                    }
                }
            }
            functions.sort(Comparator.comparing(FunctionSpec::name));
            return functions;
        });
    }

    @Override
    public Optional<FunctionSpec> find(String name) {
        checkName(name);
        LambdaClient lambda = clients.lambda();
        try {
            FunctionConfiguration configuration = lambda.getFunction(b -> b.functionName(name)).configuration();
            if (!isScars(configuration)) {
                throw new TargetException("function '" + name + "' on AWS was not created by scar; scar leaves it alone");
            }
            return Optional.of(spec(configuration));
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings(), "lambda:GetFunction", e));
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new TargetException(AwsErrors.describeClient(settings(), "lambda:GetFunction", e));
        }
    }

    /** Removes the function and its log group; either may be gone already, but not both. */
    @Override
    public void remove(String name) {
        boolean[] functionGone = {find(name).isEmpty()};
        if (!functionGone[0]) {
            unbind(name);
            AwsErrors.run(settings(), "lambda:DeleteFunction", () -> {
                try {
                    clients.lambda().deleteFunction(b -> b.functionName(name));
                } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
                    functionGone[0] = true; // removed meanwhile, by another shell or the console
                }
            });
        }
        boolean logsGone = removeLogGroup(name);
        if (functionGone[0] && logsGone) {
            throw new FunctionNotFoundException(name);
        }
    }

    @Override
    public InvocationResult invoke(String name, InvocationRequest request, Consumer<String> lines) {
        checkName(name);
        if (request.inputFile() != null) {
            throw new TargetException("bucket input is not supported on the aws target yet");
        }
        byte[] payload = new ScarEvent(request.requestId(), request.script(), request.args(), request.environment())
                .toJson();
        InvokeResponse response = send(name, InvocationType.REQUEST_RESPONSE, payload);
        byte[] body = response.payload() == null ? new byte[0] : response.payload().asByteArray();
        if (response.functionError() != null) {
            throw new TargetException("function '" + name + "' failed on Lambda (" + response.functionError() + "): "
                    + lambdaError(body) + "; its log group is /aws/lambda/" + name);
        }
        ScarResponse answer = ScarResponse.parse(body).orElseThrow(() -> new TargetException("function '" + name
                + "' answered with something that is not a scar result: " + AwsErrors.oneLine(
                        new String(body, StandardCharsets.UTF_8))));
        if (answer.error() != null) {
            throw new TargetException(answer.error());
        }
        InvocationResult result = answer.result();
        // Lambda answers once, at the end: the output is passed on line by line like a local run.
        result.output().lines().forEach(lines);
        return result;
    }

    /**
     * An Event invocation: Lambda queues it and answers at once (202) with its request id, the id
     * its START and REPORT lines carry, so that is the id shown and followed. The event carries no
     * request id of scar's, so the handler gives the container Lambda's as {@code REQUEST_ID} too:
     * one id everywhere. How the run ended is only in the log ({@link scar.lambda.ExitCodeLine}).
     */
    @Override
    public AsyncInvocation invokeAsync(String name, InvocationRequest request) {
        checkName(name);
        if (request.inputFile() != null) {
            throw new TargetException("bucket input is not supported on the aws target yet");
        }
        byte[] payload = new ScarEvent(null, request.script(), request.args(), request.environment()).toJson();
        InvokeResponse response = send(name, InvocationType.EVENT, payload);
        String requestId = response.responseMetadata().requestId();
        if (requestId == null || requestId.isBlank() || requestId.equals("UNKNOWN")) {
            throw new TargetException("Lambda queued the invocation of '" + name + "' without saying its request id; "
                    + "'log -f " + name + "' shows what it logs");
        }
        return AsyncInvocation.loggedOnly(requestId);
    }

    /** One Invoke, with Lambda's errors as one line each. */
    private InvokeResponse send(String name, InvocationType type, byte[] payload) {
        try {
            return clients.lambda().invoke(b -> b.functionName(name)
                    .invocationType(type)
                    .payload(SdkBytes.fromByteArray(payload)));
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            throw new FunctionNotFoundException(name);
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings(), "lambda:InvokeFunction", e));
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new TargetException(AwsErrors.describeClient(settings(), "lambda:InvokeFunction", e));
        }
    }

    /**
     * On AWS the bucket itself invokes the function (an S3 notification), so no shell-side
     * binding is kept: {@link #bindings()} stays empty and put never invokes from the shell.
     */
    @Override
    public void bind(String function, String bucket) {
        checkName(function);
        notifications().bind(function, bucket);
    }

    private S3Notifications notifications() {
        return new S3Notifications(clients.lambda(), clients.s3(), settings());
    }

    /** Takes the function's notification off its bucket (named by its tag) before it goes. */
    private void unbind(String name) {
        Map<String, String> tags;
        try {
            tags = clients.lambda().getFunction(b -> b.functionName(name)).tags();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return;
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings(), "lambda:GetFunction", e));
        }
        S3Notifications notifications = notifications();
        notifications.boundBucket(tags).ifPresent(bucket -> notifications.unbind(name, bucket));
    }

    /**
     * The image's id, or empty when its registry cannot be reached from this machine (one Lambda
     * can reach may be private to it): init goes on, and Lambda pulls by reference as before.
     */
    private String imageId(ImageRef ref) {
        try {
            String id = imageIds.apply(ref);
            return id != null && id.matches("sha256:[0-9a-f]{64}") ? id : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** One RequestResponse invocation with {@link scar.lambda.PreheatEvent}: the instance pulls the image, runs nothing. */
    @Override
    public String preheat(String name) {
        checkName(name);
        long start = System.nanoTime();
        InvokeResponse response = send(name, InvocationType.REQUEST_RESPONSE, scar.lambda.PreheatEvent.toJson());
        byte[] body = response.payload() == null ? new byte[0] : response.payload().asByteArray();
        String created = "function '" + name + "' was created, but preheating it failed";
        if (response.functionError() != null) {
            throw new TargetException(created + " (" + response.functionError() + "): " + lambdaError(body)
                    + "; its log group is /aws/lambda/" + name);
        }
        ScarResponse answer = ScarResponse.parse(body).orElseThrow(() -> new TargetException(created
                + ": it answered with something that is not a scar result: "
                + AwsErrors.oneLine(new String(body, StandardCharsets.UTF_8))));
        if (answer.error() != null) {
            throw new TargetException(created + ": " + answer.error());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return "Function '" + name + "' preheated in " + millis + " ms: " + answer.result().output().strip() + " on Lambda.";
    }

    @Override
    public Optional<scar.batch.RemoteBatch> remoteBatch() {
        return Optional.of(new LambdaBatch(clients.lambda(), notifications(), settings(), clients.regionName()));
    }

    @Override
    public scar.storage.ObjectStorage storage() {
        AwsSettings settings = settings();
        return new S3ObjectStorage(clients.s3(), clients.regionName(), (permission, e) -> AwsErrors.describe(settings, permission, e));
    }

    /** CloudWatch Logs: the group /aws/lambda/NAME of each function ({@code rm} deletes it). */
    @Override
    public scar.logs.LogSource logs() {
        return new CloudWatchLogSource(clients.logs(), settings(),
                () -> list().stream().map(FunctionSpec::name).toList(), logPoll);
    }

    private AwsSettings settings() {
        return clients.settings();
    }

    /** Lets go of the SDK clients (their connections); a later call on this target makes new ones. */
    @Override
    public void close() {
        clients.close();
    }

    /** Deletes /aws/lambda/NAME; true when it was not there. */
    private boolean removeLogGroup(String name) {
        try {
            clients.logs().deleteLogGroup(b -> b.logGroupName("/aws/lambda/" + name));
            return false;
        } catch (ResourceNotFoundException e) {
            return true;
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings(), "logs:DeleteLogGroup", e));
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new TargetException(AwsErrors.describeClient(settings(), "logs:DeleteLogGroup", e));
        }
    }

    /** lambda_role as an ARN: given as one, or looked up by name in IAM. */
    private String roleArn() {
        if (role.isEmpty()) {
            throw new TargetException("no IAM role for Lambda functions: set lambda_role in scar.cfg to the ARN of a "
                    + "role that Lambda can assume (arn:aws:iam::ACCOUNT:role/NAME)");
        }
        if (role.startsWith("arn:")) {
            if (!ROLE_ARN.matcher(role).matches()) {
                throw new TargetException("lambda_role '" + role + "' is not an IAM role ARN; "
                        + "use arn:aws:iam::ACCOUNT:role/NAME");
            }
            return role;
        }
        if (!ROLE_NAME.matcher(role).matches()) {
            throw new TargetException("lambda_role '" + role + "' is neither a role ARN nor a role name");
        }
        return AwsErrors.call(settings(), "iam:GetRole", () -> {
            try {
                return clients.iam().getRole(b -> b.roleName(role)).role().arn();
            } catch (NoSuchEntityException e) {
                throw new TargetException("IAM role '" + role + "' (lambda_role in scar.cfg) does not exist; "
                        + "set lambda_role to the name or ARN of a role that Lambda can assume");
            }
        });
    }

    private static boolean isScars(FunctionConfiguration configuration) {
        return FunctionConfig.HANDLER.equals(configuration.handler()) && configuration.environment() != null
                && configuration.environment().variables().containsKey(FunctionConfig.ENV_IMAGE);
    }

    private static FunctionSpec spec(FunctionConfiguration configuration) {
        Map<String, String> variables = configuration.environment().variables();
        Map<String, String> user = new LinkedHashMap<>();
        variables.forEach((key, value) -> {
            if (!FunctionConfig.isReserved(key)) {
                user.put(key, value);
            }
        });
        int threshold;
        try {
            threshold = Integer.parseInt(variables.getOrDefault(FunctionConfig.ENV_THRESHOLD, "0"));
        } catch (NumberFormatException e) {
            threshold = 0;
        }
        return new FunctionSpec(configuration.functionName(), variables.get(FunctionConfig.ENV_IMAGE),
                variables.getOrDefault(FunctionConfig.ENV_IMAGE_ID, ""),
                configuration.memorySize() == null ? 0 : configuration.memorySize(),
                configuration.timeout() == null ? 0 : configuration.timeout(), threshold,
                configuration.description(), user, null);
    }

    /** Lambda's {"errorMessage": ..., "errorType": ...} for a handler that threw. */
    private static String lambdaError(byte[] body) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (node != null && node.path("errorMessage").isTextual()) {
                String type = node.path("errorType").asText("");
                return AwsErrors.oneLine((type.isEmpty() ? "" : type + ": ") + node.get("errorMessage").asText());
            }
        } catch (java.io.IOException e) {
            // Not JSON: show it as text below.
        }
        return AwsErrors.oneLine(new String(body, StandardCharsets.UTF_8));
    }

    private static void checkName(String name) {
        if (!FunctionNames.isValid(name)) {
            throw new TargetException(FunctionNames.problem(name));
        }
    }
}
