package scar.lambda;

import org.junit.jupiter.api.Test;
import scar.invoke.InvocationException;
import scar.invoke.StorageTrigger;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3EventTriggerTest {
    @Test
    void aKeyWithSpacesPlusAndUnicodeSurvivesS3sUrlEncodingBothWays() {
        String key = "input/a b+c/é%20ü.txt";
        byte[] event = S3EventTrigger.toJson("bkt", key, "us-east-1");

        assertThat(new String(event, StandardCharsets.UTF_8)).contains("\"key\":\"input%2Fa+b%2Bc%2F%C3%A9%2520%C3%BC.txt\"");
        assertThat(S3EventTrigger.parse(event)).contains(new StorageTrigger("bkt", key));
    }

    @Test
    void scarsOwnEventsAndEmptyPayloadsAreNotS3Events() {
        assertThat(S3EventTrigger.parse(new byte[0])).isEmpty();
        assertThat(S3EventTrigger.parse("{\"script\":\"echo\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(S3EventTrigger.parse("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void malformedS3EventsAreOneClearLine() {
        assertThatThrownBy(() -> S3EventTrigger.parse("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvocationException.class).hasMessage("an S3 event must carry exactly one record, not 0");
        assertThatThrownBy(() -> S3EventTrigger.parse("{\"Records\":[{\"s3\":{}}]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the S3 event has no s3.bucket.name or s3.object.key");
        assertThatThrownBy(() -> S3EventTrigger.parse(
                "{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("unsupported event source 'aws:sqs'");
        assertThatThrownBy(() -> S3EventTrigger.parse(S3EventTrigger.toJson("b", "../etc/passwd", null)))
                .hasMessageStartingWith("object '../etc/passwd' is not under input/");
    }
}
