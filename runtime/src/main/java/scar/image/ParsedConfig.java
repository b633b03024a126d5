package scar.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

/**
 * An image config blob, read: how to run the image and the digests of its uncompressed layers.
 *
 * @param digest  sha256 of the raw config bytes (the image id)
 * @param diffIds sha256 of each uncompressed layer tar, lowest first (may be empty if the config omits them)
 */
public record ParsedConfig(String digest, ImageConfig config, List<String> diffIds, String os, String architecture) {
    public ParsedConfig {
        diffIds = List.copyOf(diffIds);
    }

    /** Parses config bytes whose digest was already verified (or computed) by the caller. */
    public static ParsedConfig parse(byte[] bytes, String digest, String imageName) {
        JsonNode root;
        try {
            root = SharedMapper.get().readTree(bytes);
        } catch (IOException e) {
            throw new ImageException("the config of image " + imageName + " is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ImageException("the config of image " + imageName + " is not a JSON object");
        }
        JsonNode c = root.path("config");
        ImageConfig config = new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""));
        List<String> diffIds = strings(root.path("rootfs").path("diff_ids"));
        for (String d : diffIds) {
            if (!Digests.isValid(d)) {
                throw new ImageException("the config of image " + imageName + " lists an invalid layer digest '"
                        + Messages.quote(d) + "'");
            }
        }
        String os = root.path("os").asText("");
        if (!os.isEmpty() && !os.equals("linux")) {
            throw new ImageException("image " + imageName + " is a " + Messages.quote(os) + " image; scar runs linux images only");
        }
        return new ParsedConfig(digest, config, diffIds, os, root.path("architecture").asText(""));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.asText()); // some builders write a single string
        }
        return out;
    }
}
