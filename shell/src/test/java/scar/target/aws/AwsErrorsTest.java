package scar.target.aws;

import org.junit.jupiter.api.Test;
import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The messages for failures moto cannot produce (it enforces no IAM policy and never throttles):
 * the exceptions are built as the SDK builds them from AWS's answers.
 */
class AwsErrorsTest {
    private final AwsSettings aws = new AwsSettings(null, "eu-west-1", null);

    private static AwsServiceException answer(int status, String code, String message) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Lambda").build())
                .build();
    }

    @Test
    void accessDeniedNamesThePermissionThatWasMissing() {
        assertThatThrownBy(() -> AwsErrors.call(aws, "lambda:CreateFunction", () -> {
            throw answer(403, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev is not authorized "
                    + "to perform: lambda:CreateFunction on resource: arn:aws:lambda:eu-west-1:123456789012:function:x\n"
                    + "because no identity-based policy allows it");
        })).isInstanceOf(TargetException.class).hasMessage("AWS denied lambda:CreateFunction: User: "
                + "arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:CreateFunction on resource: "
                + "arn:aws:lambda:eu-west-1:123456789012:function:x because no identity-based policy allows it; "
                + "the identity of this profile needs the 'lambda:CreateFunction' permission");
    }

    @Test
    void rejectedCredentialsSayWhatToCheckWithoutShowingThem() {
        assertThatThrownBy(() -> AwsErrors.call(aws, "lambda:ListFunctions", () -> {
            throw answer(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        })).hasMessage("AWS rejected the credentials (UnrecognizedClientException) for lambda:ListFunctions: "
                + "check the profile or AWS_ACCESS_KEY_ID, or log in again ('aws sso login')");
    }

    @Test
    void throttlingThatOutlastsTheRetriesIsOneLine() {
        assertThatThrownBy(() -> AwsErrors.call(aws, "lambda:InvokeFunction", () -> {
            throw answer(429, "TooManyRequestsException", "Rate exceeded");
        })).hasMessage("AWS is throttling lambda:InvokeFunction even after retries; wait a moment and try again");
    }

    @Test
    void missingCredentialsSayWhereToPutThem() {
        assertThatThrownBy(() -> AwsErrors.call(aws, "lambda:ListFunctions", () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        })).hasMessageStartingWith("no AWS credentials found for lambda:ListFunctions: set profile in scar.cfg");
    }

    @Test
    void otherErrorsNameTheCallTheEndpointAndAwsErrorCode() {
        var local = new AwsSettings(null, "us-east-1", URI.create("http://127.0.0.1:5000"));
        assertThatThrownBy(() -> AwsErrors.call(local, "lambda:CreateFunction", () -> {
            throw answer(400, "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes");
        })).hasMessage("lambda:CreateFunction failed at http://127.0.0.1:5000: InvalidParameterValue: "
                + "Unzipped size must be smaller than 262144000 bytes");
    }

    @Test
    void settingsRefuseHostileProfilesRegionsAndEndpoints() {
        assertThatThrownBy(() -> new AwsSettings("../../etc", null, null)).hasMessageContaining("invalid AWS profile");
        assertThatThrownBy(() -> new AwsSettings(null, "us-east-1; rm -rf /", null))
                .hasMessageContaining("invalid AWS region");
        assertThatThrownBy(() -> AwsSettings.endpoint("http://user:secret@127.0.0.1:5000"))
                .hasMessageContaining("invalid endpoint_url");
        assertThat(AwsSettings.endpoint(" https://lambda.example.com ")).hasToString("https://lambda.example.com");
    }
}
