package scar.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The wire between a scar client and the background scar: frames of a type byte, a length and
 * that many bytes. The client sends one {@link #REQUEST}, then {@link #INTERRUPT} for each Ctrl-C;
 * the background scar answers with {@link #OUT} and {@link #ERR} chunks in the order the command
 * wrote them, then one {@link #EXIT}.
 */
final class Frames {
    static final int VERSION = 1;
    static final byte REQUEST = 'Q';
    static final byte INTERRUPT = 'I';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    /** Instead of a request: end the background scar once its running commands are done. */
    static final byte STOP = 'S';
    /** Instead of a request: describe the background scar. */
    static final byte STATUS = 'T';
    /** Both ends are the same user's scar, but a frame's length still decides an allocation. */
    static final int MAX_FRAME = 16 * 1024 * 1024;

    private Frames() {
    }

    record Frame(byte type, byte[] body) {
    }

    static byte[] frame(byte type, byte[] body, int offset, int length) {
        byte[] frame = new byte[5 + length];
        frame[0] = type;
        ByteBuffer.wrap(frame, 1, 4).putInt(length);
        System.arraycopy(body, offset, frame, 5, length);
        return frame;
    }

    /** A frame that says all by its type: a Ctrl-C, a stop, a status request. */
    static byte[] empty(byte type) {
        return new byte[]{type, 0, 0, 0, 0};
    }

    static byte[] exit(int code) {
        return frame(EXIT, ByteBuffer.allocate(4).putInt(code).array(), 0, 4);
    }

    /** The next frame, or null at the end of the stream. */
    static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a frame of " + length + " bytes");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame((byte) type, body);
    }

    static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a string of " + length + " bytes");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * A socket channel's read side as a stream. Not Channels.newInputStream: on Java 17 its reads
     * and the other side's writes share one lock, so a blocked read would stop every write.
     */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                int n = channel.read(ByteBuffer.wrap(bytes, offset, length));
                if (n == 0) {
                    throw new EOFException("no data from a blocking socket");
                }
                return n;
            }
        };
    }

    static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** A stream of one frame type: each write is a frame handed to {@code sink}. */
    static OutputStream frames(byte type, FrameSink sink) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                if (length > 0) {
                    sink.accept(frame(type, bytes, offset, length));
                }
            }
        };
    }

    interface FrameSink {
        void accept(byte[] frame);
    }
}
