package scar.target;

/** Lambda's rules for function names, applied on every target so a function can move between them. */
public final class FunctionNames {
    private FunctionNames() {
    }

    /**
     * 1-64 of {@code [A-Za-z0-9_-]}. Checked by hand, not by a regular expression: an ls checks
     * every name twice, and the matcher was a tenth of an ls of 2000 functions.
     */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    public static String problem(String name) {
        return "invalid function name '" + name + "': use 1-64 letters, digits, '-' or '_'";
    }

    /** SCAR's default name for an image: {@code scar-} + the image name with '/', ':' and '.' turned into '-'. */
    public static String fromImage(String image) {
        String base = image;
        int at = base.indexOf('@');
        if (at >= 0) {
            base = base.substring(0, at);
        }
        String name = "scar-" + base.replaceAll("[/:.]", "-");
        name = name.replaceAll("[^A-Za-z0-9_-]", "-");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
