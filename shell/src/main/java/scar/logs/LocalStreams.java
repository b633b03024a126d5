package scar.logs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the local target's log streams: one per function per UTC day, shown as Lambda names
 * them ({@code 2026/11/27/[$LATEST]<32 hex>}) and stored as {@code 2026-11-27.log}. The hex part
 * is derived from the function and the day, so every scar process writing that day agrees on the
 * stream without coordinating.
 */
final class LocalStreams {
    static final String SUFFIX = ".log";
    private static final Pattern FILE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.log");
    /** What a user may give to -ls: the full name, or just its day. */
    private static final Pattern GIVEN = Pattern.compile("(\\d{4})[/-](\\d{2})[/-](\\d{2})(?:/\\[\\$LATEST\\]([0-9a-f]{32}))?");

    private LocalStreams() {
    }

    static String fileName(LocalDate day) {
        return day + SUFFIX;
    }

    /** The day of a stream file, or empty for a file that is not one. */
    static Optional<LocalDate> dayOf(String fileName) {
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(m.group(1)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static String displayName(String function, LocalDate day) {
        // not String.format: its digits follow the default locale, and setting that up cost every
        // one-shot command ~30 ms
        return day.toString().replace('-', '/') + "/[$LATEST]" + id(function, day);
    }

    /** The day of the stream a user named for {@code function}, or empty if it cannot be one of its streams. */
    static Optional<LocalDate> parse(String function, String given) {
        Matcher m = GIVEN.matcher(given);
        if (!m.matches()) {
            return Optional.empty();
        }
        LocalDate day;
        try {
            day = LocalDate.parse(m.group(1) + "-" + m.group(2) + "-" + m.group(3));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (m.group(4) != null && !m.group(4).equals(id(function, day))) {
            return Optional.empty();
        }
        return Optional.of(day);
    }

    private static String id(String function, LocalDate day) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((function + "/" + day).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
