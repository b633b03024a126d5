package scar.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TargetKeyTest {
    @Test
    void thePromptShowsTargetProfileAndRegion() {
        assertThat(TargetKey.local().display()).isEqualTo("local");
        assertThat(new TargetKey("aws", "dev", "eu-west-1").display()).isEqualTo("aws:dev/eu-west-1");
    }

    @Test
    void cacheFileNamesNeverCarryAPathFromAProfileOrRegion() {
        assertThat(new TargetKey("aws", "dev", "eu-west-1").fileKey()).isEqualTo("aws.dev.eu-west-1");
        assertThat(new TargetKey("aws", "../../etc", "x/y").fileKey()).isEqualTo("aws.invalid.invalid");
        assertThat(TargetKey.isSafeName("..")).isFalse();
        assertThat(TargetKey.isSafeName("prod_2.eu")).isTrue();
    }
}
