package scar.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** {@code scar daemon status|stop}: asks the background scar that serves a caller's environment. */
public final class DaemonControl {
    private DaemonControl() {
    }

    public static String status(Map<String, String> environment) {
        return ask(environment, Frames.STATUS);
    }

    public static String stop(Map<String, String> environment) {
        return ask(environment, Frames.STOP);
    }

    private static String ask(Map<String, String> environment, byte question) {
        Optional<DaemonAddress> address = DaemonAddress.forThisJvm(environment);
        Optional<SocketChannel> connection = address.flatMap(DaemonClient::connect);
        if (connection.isEmpty()) {
            return "No background scar runs for this environment"
                    + (DaemonClient.enabled(environment) ? "; the next one-shot command starts one."
                    : " (SCAR_DAEMON is off: each command runs in its own process).");
        }
        try (SocketChannel channel = connection.get()) {
            Frames.writeFully(channel, Frames.empty(question));
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            DaemonClient.playBack(channel, text, text);
            return text.toString(StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "The background scar at " + address.get().socket() + " did not answer: " + e.getMessage();
        }
    }
}
