package scar.lambda;

import scar.invoke.InvocationException;
import scar.storage.ObjectStorage;
import scar.storage.s3.S3ObjectStorage;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The S3 side of the handler: one client per warm instance, made on the first S3 event, with the
 * function's own credentials and region (Lambda puts them in the environment).
 * {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}, as in the SDKs, point it at an
 * AWS-compatible store (path-style then, as the shell does).
 */
final class S3Staging implements AutoCloseable {
    private final Map<String, String> environment;
    private S3Client client;
    private ObjectStorage storage;

    S3Staging(Map<String, String> environment) {
        this.environment = environment;
    }

    synchronized ObjectStorage storage() {
        if (storage == null) {
            String region = firstNonBlank(environment.get("AWS_REGION"), environment.get("AWS_DEFAULT_REGION"));
            if (region == null) {
                throw new InvocationException("AWS_REGION is not set: the handler cannot reach S3 outside Lambda without it");
            }
            var builder = S3Client.builder()
                    .region(Region.of(region))
                    .credentialsProvider(credentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(10))
                            .socketTimeout(Duration.ofSeconds(120)));
            String endpoint = firstNonBlank(environment.get("AWS_ENDPOINT_URL_S3"), environment.get("AWS_ENDPOINT_URL"));
            if (endpoint != null) {
                try {
                    builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
                } catch (IllegalArgumentException e) {
                    throw new InvocationException("invalid S3 endpoint '" + endpoint + "' in the function's environment");
                }
            }
            client = builder.build();
            storage = new S3ObjectStorage(client, region, S3ObjectStorage.plainErrors());
        }
        return storage;
    }

    /** Lambda's variables (also those of a test's map); else the SDK's chain (e.g. a container role). */
    private AwsCredentialsProvider credentials() {
        String key = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        String token = environment.get("AWS_SESSION_TOKEN");
        if (firstNonBlank(key) != null && firstNonBlank(secret) != null) {
            return StaticCredentialsProvider.create(firstNonBlank(token) != null
                    ? AwsSessionCredentials.create(key, secret, token)
                    : AwsBasicCredentials.create(key, secret));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
        client = null;
        storage = null;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
