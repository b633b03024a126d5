package scar.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into lines as soon as each is complete, so logs are live.
 * A last line without a newline is delivered at end of stream; a very long line is delivered
 * in pieces (cut on a UTF-8 character boundary) so that memory stays bounded.
 */
final class LineSplitter {
    /** Receives each piece of text and whether a newline ended it. */
    interface Sink {
        void piece(String text, boolean newline);

        /** The stream ended; called once, after the last piece. */
        default void end() {
        }
    }

    private final int maxPieceBytes;

    LineSplitter(int maxPieceBytes) {
        this.maxPieceBytes = maxPieceBytes;
    }

    void pump(InputStream in, Sink sink) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i - start);
                    sink.piece(decode(line.toByteArray(), line.size()), true);
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(buf, start, n - start);
            while (line.size() >= maxPieceBytes) {
                byte[] bytes = line.toByteArray();
                int cut = characterBoundary(bytes, maxPieceBytes);
                sink.piece(decode(bytes, cut), false);
                line.reset();
                line.write(bytes, cut, bytes.length - cut);
            }
        }
        if (line.size() > 0) {
            sink.piece(decode(line.toByteArray(), line.size()), false);
        }
        sink.end();
    }

    private static int characterBoundary(byte[] bytes, int limit) {
        int cut = limit;
        // Step back over UTF-8 continuation bytes (10xxxxxx), but never to zero.
        while (cut > 1 && (bytes[cut] & 0xC0) == 0x80 && limit - cut < 4) {
            cut--;
        }
        return cut;
    }

    private static String decode(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
