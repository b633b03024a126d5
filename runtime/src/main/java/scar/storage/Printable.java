package scar.storage;

/** Shows hostile names on one line: control characters escaped, long ones cut. */
final class Printable {
    private Printable() {
    }

    static String of(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 200 ? out + "..." : out.toString();
    }
}
