package scar.target.aws;

import scar.invoke.StorageTrigger;
import scar.storage.BucketNames;
import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function bound to a bucket on AWS: S3 may invoke it, and the bucket notifies it of every
 * object created under {@code input/}. The notification is added to the bucket's existing
 * configuration (S3 replaces the whole configuration on every write, so it is read, merged and
 * written back: other notifications survive). The bucket is remembered in a tag on the function,
 * so {@code rm} can take exactly that notification away again.
 */
final class S3Notifications {
    /** Tag on the function naming its bucket. */
    static final String BUCKET_TAG = "scar-bucket";

    private final LambdaClient lambda;
    private final S3Client s3;
    private final AwsSettings settings;

    S3Notifications(LambdaClient lambda, S3Client s3, AwsSettings settings) {
        this.lambda = lambda;
        this.s3 = s3;
        this.settings = settings;
    }

    /** The notification's id in the bucket's configuration: one per function. */
    static String notificationId(String function) {
        return "scar-" + function;
    }

    void bind(String function, String bucket) {
        BucketNames.require(bucket);
        String functionArn = AwsErrors.call(settings, "lambda:GetFunction",
                () -> lambda.getFunction(b -> b.functionName(function)).configuration().functionArn());
        AwsErrors.run(settings, "lambda:AddPermission", () -> {
            try {
                lambda.addPermission(b -> b.functionName(function)
                        .statementId("scar-s3-" + bucket)
                        .action("lambda:InvokeFunction")
                        .principal("s3.amazonaws.com")
                        .sourceArn("arn:aws:s3:::" + bucket));
            } catch (ResourceConflictException e) {
                // granted by an earlier init: nothing to add
            }
        });
        LambdaFunctionConfiguration ours = LambdaFunctionConfiguration.builder()
                .id(notificationId(function))
                .lambdaFunctionArn(functionArn)
                .events(Event.S3_OBJECT_CREATED)
                // "prefix" as S3's documentation writes it: the SDK's enum sends "Prefix", which
                // S3 accepts but some compatible stores (moto) do not.
                .filter(f -> f.key(k -> k.filterRules(r -> r.name("prefix")
                        .value(StorageTrigger.INPUT_FOLDER))))
                .build();
        AwsErrors.run(settings, "s3:PutBucketNotification", () -> {
            GetBucketNotificationConfigurationResponse existing = current(bucket);
            List<LambdaFunctionConfiguration> lambdas = new ArrayList<>(without(existing, function));
            lambdas.add(ours);
            write(bucket, existing, lambdas);
        });
        AwsErrors.run(settings, "lambda:TagResource",
                () -> lambda.tagResource(b -> b.resource(functionArn).tags(Map.of(BUCKET_TAG, bucket))));
    }

    /** The bucket a function is bound to, from its tag. */
    Optional<String> boundBucket(Map<String, String> tags) {
        String bucket = tags == null ? null : tags.get(BUCKET_TAG);
        return bucket != null && BucketNames.isValid(bucket) ? Optional.of(bucket) : Optional.empty();
    }

    /** Takes the function's notification off the bucket; a bucket or notification already gone is fine. */
    void unbind(String function, String bucket) {
        AwsErrors.run(settings, "s3:PutBucketNotification", () -> {
            GetBucketNotificationConfigurationResponse existing;
            try {
                existing = current(bucket);
            } catch (NoSuchBucketException e) {
                return;
            } catch (AwsServiceException e) {
                if ("NoSuchBucket".equals(AwsErrors.code(e))) {
                    return;
                }
                throw e;
            }
            List<LambdaFunctionConfiguration> rest = without(existing, function);
            if (rest.size() != existing.lambdaFunctionConfigurations().size()) {
                write(bucket, existing, rest);
            }
        });
    }

    /** The functions whose scar notification is on the bucket (what {@code init -es} added), by name. */
    List<String> boundFunctions(String bucket) {
        BucketNames.require(bucket);
        return AwsErrors.call(settings, "s3:GetBucketNotification", () -> {
            try {
                return current(bucket).lambdaFunctionConfigurations().stream()
                        .map(LambdaFunctionConfiguration::id)
                        .filter(id -> id != null && id.startsWith("scar-") && id.length() > "scar-".length())
                        .map(id -> id.substring("scar-".length()))
                        .distinct().sorted().toList();
            } catch (NoSuchBucketException e) {
                throw new TargetException("bucket " + bucket + " not found on S3");
            }
        });
    }

    private GetBucketNotificationConfigurationResponse current(String bucket) {
        try {
            return s3.getBucketNotificationConfiguration(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw e;
        } catch (AwsServiceException e) {
            if ("NoSuchBucket".equals(AwsErrors.code(e))) {
                throw new TargetException("bucket " + bucket + " not found on S3");
            }
            throw e;
        }
    }

    private static List<LambdaFunctionConfiguration> without(GetBucketNotificationConfigurationResponse existing,
                                                             String function) {
        return existing.lambdaFunctionConfigurations().stream()
                .filter(c -> !notificationId(function).equals(c.id()))
                .toList();
    }

    /** Writes the configuration back with every queue, topic and EventBridge setting it had. */
    private void write(String bucket, GetBucketNotificationConfigurationResponse existing,
                       List<LambdaFunctionConfiguration> lambdas) {
        NotificationConfiguration.Builder configuration = NotificationConfiguration.builder()
                .queueConfigurations(existing.queueConfigurations())
                .topicConfigurations(existing.topicConfigurations())
                .lambdaFunctionConfigurations(lambdas);
        if (existing.eventBridgeConfiguration() != null) {
            configuration.eventBridgeConfiguration(existing.eventBridgeConfiguration());
        }
        s3.putBucketNotificationConfiguration(b -> b.bucket(bucket).notificationConfiguration(configuration.build()));
    }
}
