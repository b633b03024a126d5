package scar.image;

/** Helpers that keep user-facing messages on one readable line whatever the input was. */
public final class Messages {
    private static final int MAX_QUOTED = 120;

    private Messages() {
    }

    /** Makes untrusted text safe to print inside quotes: no control characters, bounded length. */
    public static String quote(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < MAX_QUOTED; i++) {
            char c = text.charAt(i);
            if (c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= MAX_QUOTED && text.length() > MAX_QUOTED) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** A byte count for people: 512 MiB, 3.2 GiB, 120 KiB, 17 bytes. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v)) + " " + units[u];
    }
}
