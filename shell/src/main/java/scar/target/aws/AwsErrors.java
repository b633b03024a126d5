package scar.target.aws;

import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns what the SDK throws into one line a user can act on: which call, which permission,
 * which credentials problem. Throttling never gets here before the SDK's own retries gave up.
 */
final class AwsErrors {
    private AwsErrors() {
    }

    /**
     * Runs one AWS call.
     *
     * @param permission the IAM action the call needs, e.g. {@code lambda:CreateFunction}: named
     *                   when access is denied
     */
    static <T> T call(AwsSettings settings, String permission, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            throw new TargetException(describe(settings, permission, e));
        } catch (SdkClientException e) {
            throw new TargetException(describeClient(settings, permission, e));
        }
    }

    static void run(AwsSettings settings, String permission, Runnable call) {
        call(settings, permission, () -> {
            call.run();
            return null;
        });
    }

    static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    static String message(SdkException e) {
        String message = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null
                ? service.awsErrorDetails().errorMessage() : e.getMessage();
        return oneLine(message == null ? e.getClass().getSimpleName() : message);
    }

    static String describe(AwsSettings settings, String permission, AwsServiceException e) {
        String code = code(e);
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("unrecognizedclient") || lower.contains("invalidclienttokenid")
                || lower.contains("expiredtoken") || lower.contains("signaturedoesnotmatch")) {
            return "AWS rejected the credentials (" + code + ") for " + permission
                    + ": check the profile or AWS_ACCESS_KEY_ID, or log in again ('aws sso login')";
        }
        if (lower.contains("accessdenied") || lower.equals("unauthorizedoperation")
                || (e.statusCode() == 403)) {
            return "AWS denied " + permission + ": " + message(e) + "; the identity of this profile needs the '"
                    + permission + "' permission";
        }
        if (lower.contains("throttl") || lower.contains("toomanyrequests") || e.statusCode() == 429) {
            return "AWS is throttling " + permission + " even after retries; wait a moment and try again";
        }
        // The code without its "Exception" suffix: what AWS calls the error, not a Java trace.
        String shown = code.endsWith("Exception") ? code.substring(0, code.length() - "Exception".length()) : code;
        return permission + " failed at " + settings.where() + ": " + (shown.isEmpty() ? "" : shown + ": ") + message(e);
    }

    /** Either kind of SDK failure, as one line (for callers that get both, like S3ObjectStorage). */
    static String describe(AwsSettings settings, String permission, SdkException e) {
        if (e instanceof AwsServiceException service) {
            return describe(settings, permission, service);
        }
        if (e instanceof SdkClientException client) {
            return describeClient(settings, permission, client);
        }
        return permission + " failed at " + settings.where() + ": " + message(e);
    }

    static String describeClient(AwsSettings settings, String permission, SdkClientException e) {
        String message = message(e);
        if (message.contains("Unable to load credentials") || message.contains("credentials")) {
            return "no AWS credentials found for " + permission + ": set profile in scar.cfg or AWS_PROFILE, "
                    + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure'";
        }
        if (message.contains("Unable to execute HTTP request") || message.contains("Connect")
                || message.contains("connect")) {
            return "cannot reach " + settings.where() + " for " + permission + ": " + message
                    + "; check the network or endpoint_url";
        }
        return permission + " failed at " + settings.where() + ": " + message;
    }

    static String oneLine(String text) {
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
