package scar.exec;

import java.nio.charset.StandardCharsets;

/** Output collected for the result, up to a size in UTF-8 bytes (Lambda caps its response). */
final class CappedText {
    private final long capBytes;
    private final StringBuilder text = new StringBuilder();
    private long bytes;
    private boolean truncated;

    CappedText(long capBytes) {
        this.capBytes = capBytes;
    }

    synchronized void append(String piece, boolean newline) {
        String s = newline ? piece + "\n" : piece;
        if (truncated) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (bytes + b.length <= capBytes) {
            text.append(s);
            bytes += b.length;
            return;
        }
        truncated = true;
        // Keep whole characters only: add code points while they fit.
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > capBytes) {
                break;
            }
            text.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized boolean truncated() {
        return truncated;
    }
}
