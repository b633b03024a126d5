package scar.session;

import java.util.regex.Pattern;

/**
 * Which target a session talks to: {@code local}, or {@code aws} with a profile and a region.
 * Caches (clients, completion names) are kept per key, so switching back is instant.
 */
public record TargetKey(String target, String profile, String region) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    // Written out: a record's own equals and hashCode are bootstrapped through method handles at
    // their first call, ~30 ms of a one-shot command's start for this key of the session's map.
    @Override
    public boolean equals(Object other) {
        return other instanceof TargetKey key && java.util.Objects.equals(target, key.target)
                && java.util.Objects.equals(profile, key.profile) && java.util.Objects.equals(region, key.region);
    }

    @Override
    public int hashCode() {
        return (java.util.Objects.hashCode(target) * 31 + java.util.Objects.hashCode(profile)) * 31 + java.util.Objects.hashCode(region);
    }

    public static TargetKey local() {
        return new TargetKey("local", null, null);
    }

    public boolean isLocal() {
        return target.equals("local");
    }

    /** What the prompt shows: {@code local} or {@code aws:dev/eu-west-1}. */
    public String display() {
        if (isLocal()) {
            return target;
        }
        return target + ":" + (profile == null ? "default" : profile) + "/" + (region == null ? "?" : region);
    }

    /** A file-name-safe form of the key, e.g. {@code local} or {@code aws.dev.eu-west-1}. */
    public String fileKey() {
        if (isLocal()) {
            return "local";
        }
        return target + "." + safe(profile == null ? "default" : profile) + "." + safe(region == null ? "none" : region);
    }

    /** Profiles and regions are typed by users: only plain names, so they can never become paths. */
    public static boolean isSafeName(String value) {
        return value != null && SAFE.matcher(value).matches() && !value.startsWith(".");
    }

    private static String safe(String value) {
        return isSafeName(value) ? value : "invalid";
    }
}
