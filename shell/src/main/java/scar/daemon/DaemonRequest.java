package scar.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One command line a client hands to the background scar, with what the command needs of the
 * caller's process: its folder, its variables, and whether a person watches its output.
 */
record DaemonRequest(List<String> args, Path workingDirectory, Map<String, String> environment, boolean interactive) {
    private static final int MAX_ITEMS = 100_000;

    byte[] toFrame() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(Frames.VERSION);
        Frames.writeString(out, workingDirectory.toString());
        out.writeBoolean(interactive);
        out.writeInt(args.size());
        for (String arg : args) {
            Frames.writeString(out, arg);
        }
        out.writeInt(environment.size());
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            Frames.writeString(out, variable.getKey());
            Frames.writeString(out, variable.getValue());
        }
        byte[] body = bytes.toByteArray();
        return Frames.frame(Frames.REQUEST, body, 0, body.length);
    }

    static DaemonRequest fromBody(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
        int version = in.readInt();
        if (version != Frames.VERSION) {
            throw new IOException("a request of protocol version " + version + ", not " + Frames.VERSION);
        }
        Path workingDirectory = Path.of(Frames.readString(in));
        if (!workingDirectory.isAbsolute()) {
            throw new IOException("a relative working directory: " + workingDirectory);
        }
        boolean interactive = in.readBoolean();
        int count = count(in);
        List<String> args = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            args.add(Frames.readString(in));
        }
        count = count(in);
        Map<String, String> environment = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            environment.put(Frames.readString(in), Frames.readString(in));
        }
        return new DaemonRequest(List.copyOf(args), workingDirectory, Map.copyOf(environment), interactive);
    }

    private static int count(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ITEMS) {
            throw new IOException("a list of " + count + " items");
        }
        return count;
    }
}
