package scar.target.aws;

import org.junit.jupiter.api.Test;
import scar.session.SessionContext;
import scar.session.TargetKey;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One-shot scar closes every target its session built, one-command overrides included: an aws
 * target then lets go of its SDK clients. Nothing here calls AWS: making a client does not.
 */
class AwsTargetCloseTest {
    @Test
    void closingTheSessionsTargetsClosesTheSdkClientsOfEveryAwsTargetItBuilt() {
        AwsClients clients = new AwsClients(Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));
        URI nowhere = URI.create("http://127.0.0.1:9");
        SessionContext context = new SessionContext(key -> new AwsTarget(
                clients.of(new AwsSettings(null, key.region(), nowhere)), "role"),
                new TargetKey("aws", null, "us-east-1"), null, List.of());
        var own = clients.of(new AwsSettings(null, "us-east-1", nowhere));
        var other = clients.of(new AwsSettings(null, "eu-west-1", nowhere));
        context.target();
        var ownLambda = own.lambda();
        try (var restore = context.overrideFor(null, null, "eu-west-1")) {
            context.target();
        }
        var otherLambda = other.lambda();

        context.closeTargets();

        // closed clients are dropped: the next call on either target would make new ones
        assertThat(own.lambda()).isNotSameAs(ownLambda);
        assertThat(other.lambda()).isNotSameAs(otherLambda);
    }
}
