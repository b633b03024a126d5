package scar.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream ahead on its own thread: download, digest and decompression there, tar parsing
 * and file creation on the caller's. Like {@code curl | gzip -d | tar -x}, the work then spreads
 * over two cores. Errors of the source are rethrown to the reader, in order.
 */
final class Prefetch extends InputStream {
    private static final int CHUNK = 256 * 1024;
    private static final byte[] END = new byte[0];
    private static final byte[] NONE = new byte[0];

    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(16);
    /** Chunks the reader is done with, filled again instead of allocating (and zeroing) new ones. */
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(18);
    private final Thread thread;
    private byte[] current = NONE;
    private int pos;
    private boolean ended;
    private volatile boolean closed;

    Prefetch(InputStream source) {
        thread = new Thread(() -> pump(source), "layer-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(InputStream source) {
        try {
            while (!closed) {
                // read into the chunk itself: readNBytes(int) gathers 8 KB pieces and copies them again
                byte[] buf = spare.poll();
                if (buf == null) {
                    buf = new byte[CHUNK];
                }
                int n = source.readNBytes(buf, 0, CHUNK);
                if (n == 0) {
                    break;
                }
                chunks.put(n == CHUNK ? buf : java.util.Arrays.copyOf(buf, n));
                if (n < CHUNK) {
                    // readNBytes returns short only at the end
                    break;
                }
            }
            chunks.put(END);
        } catch (IOException | RuntimeException | Error e) {
            try {
                chunks.put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed by the reader
        }
    }

    private boolean fill() throws IOException {
        while (pos >= current.length) {
            if (ended) {
                return false;
            }
            if (current.length == CHUNK) {
                spare.offer(current); // read to its end: the pump may fill it again
            }
            current = NONE; // never offered twice, even if the take below is interrupted
            pos = 0;
            Object next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while unpacking");
            }
            if (next instanceof IOException e) {
                ended = true;
                throw e;
            }
            if (next instanceof RuntimeException e) {
                ended = true;
                throw e;
            }
            if (next instanceof Error e) {
                ended = true;
                throw e;
            }
            current = (byte[]) next;
            pos = 0;
            if (current == END) {
                ended = true;
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Stops the read-ahead and waits for it, so that nobody else reads the source after this. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        chunks.clear(); // unblocks a put in progress
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
