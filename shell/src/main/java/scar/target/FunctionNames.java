package scar.target;

import java.util.regex.Pattern;

/** Lambda's rules for function names, applied on every target so a function can move between them. */
public final class FunctionNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private FunctionNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
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
