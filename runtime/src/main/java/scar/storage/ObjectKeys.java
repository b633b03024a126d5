package scar.storage;

import java.nio.charset.StandardCharsets;

/**
 * S3's limits on object keys, narrowed so that a key always names a file inside its bucket's
 * folder: no empty, {@code .} or {@code ..} segments, no leading '/', no backslash, no control
 * characters, and no segment that scar uses for its own temporary files.
 */
public final class ObjectKeys {
    public static final int MAX_KEY_BYTES = 1024;
    /** Most file systems' limit on one name. */
    public static final int MAX_SEGMENT_BYTES = 255;
    /** Names scar gives its temporary files while writing an object; never part of a key. */
    static final String TEMP_PREFIX = ".scar-tmp-";
    /** Stands for the key in a problem until the message is made. */
    private static final String THE_KEY = "{the key}";

    private ObjectKeys() {
    }

    /** Throws a one-line explanation when {@code key} is not an object key. */
    public static String require(String key) {
        String problem = problem(key, false);
        if (problem != null) {
            throw new StorageException(problem);
        }
        return key;
    }

    /** A prefix (a folder, may be empty or end with '/'); same rules as keys otherwise. */
    public static String requirePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        String problem = problem(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix, true);
        if (problem != null) {
            throw new StorageException(problem);
        }
        return prefix;
    }

    public static boolean isValid(String key) {
        return problem(key, false) == null;
    }

    /** What is wrong with the key, or null when it is valid. */
    public static String problem(String key, boolean folder) {
        String problem = check(key, folder);
        if (problem == null || !problem.contains(THE_KEY)) {
            return problem;
        }
        // the key is shown only when it is wrong: making it printable costs more than the checks
        return problem.replace(THE_KEY, "object " + (folder ? "folder" : "key") + " '" + Printable.of(key) + "'");
    }

    /** The problem, with {@link #THE_KEY} where the key is to be named, or null. */
    private static String check(String key, boolean folder) {
        if (key == null || key.isEmpty()) {
            return "empty object " + (folder ? "folder" : "key") + ": name an object, e.g. input/file.txt";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return THE_KEY + " is longer than " + MAX_KEY_BYTES + " bytes";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "invalid " + THE_KEY + ": control characters are not allowed";
            }
            if (c == '\\') {
                return "invalid " + THE_KEY + ": use '/' to separate folders, not '\\'";
            }
            if (Character.isSurrogate(c) && !validSurrogate(key, i)) {
                return "invalid " + THE_KEY + ": not valid Unicode";
            }
        }
        if (key.startsWith("/")) {
            return "invalid " + THE_KEY + ": keys are relative to the bucket; drop the leading '/'";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "invalid " + THE_KEY + ": empty folder name ('//' or a trailing '/')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "invalid " + THE_KEY + ": '.' and '..' are not allowed as folder or file names";
            }
            if (segment.startsWith(TEMP_PREFIX)) {
                return "invalid " + THE_KEY + ": names starting with " + TEMP_PREFIX + " are scar's temporary files";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "invalid " + THE_KEY + ": a folder or file name is longer than "
                        + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Joins a folder and a relative path into a key, without doubling '/'. */
    public static String join(String folder, String relative) {
        if (folder == null || folder.isEmpty()) {
            return relative;
        }
        return folder.endsWith("/") ? folder + relative : folder + "/" + relative;
    }
}
