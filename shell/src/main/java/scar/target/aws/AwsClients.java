package scar.target.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SDK clients of one scar session, made lazily (a command that needs no AWS starts no
 * client) and once per {@link AwsSettings} (the point of a persistent shell: later commands
 * reuse the connections). Credentials come from the SDK's default chain; scar never reads,
 * prints or stores a secret beyond handing the session's variables to the SDK.
 */
public final class AwsClients implements AutoCloseable {
    /** A RequestResponse invocation may run for Lambda's 15 minutes before it answers. */
    static final Duration INVOKE_READ_TIMEOUT = Duration.ofMinutes(16);

    private final Map<String, String> environment;
    private final Map<AwsSettings, Clients> bySettings = new ConcurrentHashMap<>();

    /** @param environment the session's variables (System.getenv() in scar; a fixed map in tests) */
    public AwsClients(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public Clients of(AwsSettings settings) {
        return bySettings.computeIfAbsent(settings, Clients::new);
    }

    @Override
    public void close() {
        bySettings.values().forEach(Clients::close);
        bySettings.clear();
    }

    /** The clients for one profile, region and endpoint. */
    public final class Clients implements AutoCloseable {
        private final AwsSettings settings;
        private volatile LambdaClient lambda;
        private volatile CloudWatchLogsClient logs;
        private volatile IamClient iam;
        private volatile software.amazon.awssdk.services.s3.S3Client s3;
        private volatile AwsCredentialsProvider credentials;

        private Clients(AwsSettings settings) {
            this.settings = settings;
        }

        public AwsSettings settings() {
            return settings;
        }

        public synchronized LambdaClient lambda() {
            if (lambda == null) {
                lambda = configure(LambdaClient.builder(), region(), INVOKE_READ_TIMEOUT).build();
            }
            return lambda;
        }

        public synchronized CloudWatchLogsClient logs() {
            if (logs == null) {
                logs = configure(CloudWatchLogsClient.builder(), region(), Duration.ofSeconds(60)).build();
            }
            return logs;
        }

        /** Path-style addressing against an endpoint_url: AWS-compatible stores rarely serve bucket subdomains. */
        public synchronized software.amazon.awssdk.services.s3.S3Client s3() {
            if (s3 == null) {
                s3 = configure(software.amazon.awssdk.services.s3.S3Client.builder(), region(), Duration.ofSeconds(120))
                        .forcePathStyle(settings.endpoint() != null)
                        // A bucket in another region than the session's still answers (S3 redirects).
                        .crossRegionAccessEnabled(settings.endpoint() == null).build();
            }
            return s3;
        }

        /** The region buckets are created in. */
        public String regionName() {
            return region().id();
        }

        /** IAM is global: it is signed for aws-global whatever the session's region. */
        public synchronized IamClient iam() {
            if (iam == null) {
                iam = configure(IamClient.builder(), Region.AWS_GLOBAL, Duration.ofSeconds(60)).build();
            }
            return iam;
        }

        private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region, Duration readTimeout) {
            builder.region(region).credentialsProvider(credentials());
            if (settings.endpoint() != null) {
                builder.endpointOverride(settings.endpoint());
            }
            // The one HTTP client scar ships (no Netty, no Apache): small jar, quick start.
            if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
                sync.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(readTimeout));
            }
            return builder;
        }

        private Region region() {
            if (settings.region() != null) {
                return Region.of(settings.region());
            }
            try {
                return DefaultAwsRegionProviderChain.builder().profileName(settings.profile()).build().getRegion();
            } catch (RuntimeException e) {
                throw new scar.target.TargetException("no AWS region set: set lambda_region in scar.cfg or AWS_REGION");
            }
        }

        /**
         * Keys in the session's variables win, as in the SDK's chain; otherwise the chain
         * (profile files, SSO, container and instance roles) for the session's profile.
         */
        private AwsCredentialsProvider credentials() {
            if (credentials == null) {
                String key = environment.get("AWS_ACCESS_KEY_ID");
                String secret = environment.get("AWS_SECRET_ACCESS_KEY");
                String token = environment.get("AWS_SESSION_TOKEN");
                if (settings.profile() == null && notBlank(key) && notBlank(secret)) {
                    credentials = StaticCredentialsProvider.create(notBlank(token)
                            ? AwsSessionCredentials.create(key, secret, token)
                            : AwsBasicCredentials.create(key, secret));
                } else {
                    credentials = DefaultCredentialsProvider.builder().profileName(settings.profile()).build();
                }
            }
            return credentials;
        }

        @Override
        public synchronized void close() {
            closeQuietly(lambda, LambdaClient::close);
            closeQuietly(logs, CloudWatchLogsClient::close);
            closeQuietly(iam, IamClient::close);
            closeQuietly(s3, software.amazon.awssdk.services.s3.S3Client::close);
            s3 = null;
            lambda = null;
            logs = null;
            iam = null;
        }
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static <C> void closeQuietly(C client, java.util.function.Consumer<C> close) {
        if (client != null) {
            try {
                close.accept(client);
            } catch (RuntimeException e) {
                // Closing is best effort: the session is ending anyway.
            }
        }
    }
}
