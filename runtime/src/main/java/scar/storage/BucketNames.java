package scar.storage;

import java.util.regex.Pattern;

/** S3's rules for bucket names, applied on every target so a bucket can move between them. */
public final class BucketNames {
    private static final Pattern CHARS = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BucketNames() {
    }

    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /** Throws a one-line explanation when the name is not a valid bucket name. */
    public static String require(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new StorageException(problem);
        }
        return name;
    }

    /** What is wrong with the name, or null when it is valid. */
    public static String problem(String name) {
        String shown = name == null ? "" : Printable.of(name);
        String rules = ": use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit";
        if (name == null || name.length() < 3 || name.length() > 63) {
            return "invalid bucket name '" + shown + "'" + rules;
        }
        if (!CHARS.matcher(name).matches()) {
            return "invalid bucket name '" + shown + "'" + rules;
        }
        if (name.contains("..") || name.contains(".-") || name.contains("-.")) {
            return "invalid bucket name '" + shown + "': '.' may not be next to another '.' or a '-'";
        }
        if (IP.matcher(name).matches()) {
            return "invalid bucket name '" + shown + "': a bucket name may not look like an IP address";
        }
        if (name.startsWith("xn--") || name.endsWith("-s3alias") || name.endsWith("--ol-s3")) {
            return "invalid bucket name '" + shown + "': the prefix xn-- and the suffixes -s3alias and --ol-s3 are reserved";
        }
        return null;
    }
}
