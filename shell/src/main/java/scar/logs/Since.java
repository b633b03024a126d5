package scar.logs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --since} of {@code log}, read as {@code aws logs tail --since} reads it: a span back
 * from now ({@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 1w}) or a time in ISO 8601
 * ({@code 2026-11-27T21:00:00Z}, {@code 2026-11-27T22:00+01:00}; without a zone, UTC; a date alone
 * is its midnight UTC).
 */
public final class Since {
    private static final Pattern SPAN = Pattern.compile("(\\d{1,9})([smhdw])");

    private Since() {
    }

    /** @throws IllegalArgumentException with a one-line message saying what to give instead */
    public static Instant parse(String text, Clock clock) {
        String given = text.strip();
        Matcher span = SPAN.matcher(given);
        if (span.matches()) {
            long amount = Long.parseLong(span.group(1));
            Duration unit = switch (span.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return clock.instant().minus(unit.multipliedBy(amount));
        }
        try {
            return OffsetDateTime.parse(given).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(given).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(given).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    throw new IllegalArgumentException("invalid --since '" + text + "': give a span back from now "
                            + "such as 10m, 2h or 1d, or a time such as 2026-11-27T21:00:00Z");
                }
            }
        }
    }
}
