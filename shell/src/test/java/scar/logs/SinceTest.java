package scar.logs;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinceTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-27T22:00:00Z"), ZoneOffset.UTC);

    @Test
    void spansCountBackFromNow() {
        assertThat(Since.parse("30s", NOW)).isEqualTo("2026-11-27T21:59:30Z");
        assertThat(Since.parse("10m", NOW)).isEqualTo("2026-11-27T21:50:00Z");
        assertThat(Since.parse("2h", NOW)).isEqualTo("2026-11-27T20:00:00Z");
        assertThat(Since.parse("1d", NOW)).isEqualTo("2026-11-26T22:00:00Z");
        assertThat(Since.parse("1w", NOW)).isEqualTo("2026-11-20T22:00:00Z");
    }

    @Test
    void isoTimesWithOrWithoutZoneAndDatesAlone() {
        assertThat(Since.parse("2026-11-27T21:00:00Z", NOW)).isEqualTo("2026-11-27T21:00:00Z");
        assertThat(Since.parse("2026-11-27T22:00+01:00", NOW)).isEqualTo("2026-11-27T21:00:00Z");
        assertThat(Since.parse("2026-11-27T21:30", NOW)).isEqualTo("2026-11-27T21:30:00Z");
        assertThat(Since.parse("2026-11-27", NOW)).isEqualTo("2026-11-27T00:00:00Z");
    }

    @Test
    void anythingElseSaysWhatToGive() {
        for (String bad : new String[]{"yesterday", "10", "10x", "-5m", "2026-13-01", ""}) {
            assertThatThrownBy(() -> Since.parse(bad, NOW)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid --since '" + bad + "': give a span back from now such as 10m, 2h or 1d, "
                            + "or a time such as 2026-11-27T21:00:00Z");
        }
    }
}
