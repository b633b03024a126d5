package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code {"scar_preheat": true}}: what {@code init -p} sends once to a new function so that the
 * instance pulls the image into its {@code /tmp} cache without running the container; the first
 * real invocation on that instance then finds it there.
 */
public final class PreheatEvent {
    public static final String FIELD = "scar_preheat";
    private PreheatEvent() {
    }

    public static byte[] toJson() {
        return ("{\"" + FIELD + "\":true}").getBytes(StandardCharsets.UTF_8);
    }

    public static boolean is(byte[] payload) {
        try {
            JsonNode root = payload.length == 0 ? null : SharedMapper.get().readTree(payload);
            return root != null && root.isObject() && root.path(FIELD).asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }
}
