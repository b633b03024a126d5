package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import scar.json.SharedMapper;
import scar.invoke.InvocationException;
import scar.invoke.StorageTrigger;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The S3 notification that starts a function when an object lands under a bucket's {@code input/}:
 * {@code {"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":...},"object":{"key":...}}}]}}.
 * S3 sends the key URL-encoded (a space as {@code +}); {@link #toJson} writes the same shape, so
 * {@code run -es} on the aws target sends exactly what S3 would.
 */
public final class S3EventTrigger {
    private S3EventTrigger() {
    }

    /**
     * The object an S3 event names, or empty when the payload is not an S3 event (a scar event
     * from {@code run}). Only keys under {@code input/} start a run: an output written back to
     * the same bucket must never trigger the function again.
     */
    public static Optional<StorageTrigger> parse(byte[] payload) {
        JsonNode root;
        try {
            root = payload.length == 0 ? null : SharedMapper.get().readTree(payload);
        } catch (IOException e) {
            return Optional.empty(); // ScarEvent.parse reports what is wrong with it
        }
        if (root == null || !root.isObject() || !root.has("Records")) {
            return Optional.empty();
        }
        JsonNode records = root.get("Records");
        if (!records.isArray() || records.size() != 1) {
            throw new InvocationException("an S3 event must carry exactly one record, not "
                    + (records.isArray() ? records.size() : records.getNodeType()));
        }
        JsonNode record = records.get(0);
        if (!"aws:s3".equals(record.path("eventSource").asText("aws:s3"))) {
            throw new InvocationException("unsupported event source '" + record.path("eventSource").asText()
                    + "': a scar function takes S3 events and scar's own events");
        }
        JsonNode bucket = record.path("s3").path("bucket").path("name");
        JsonNode key = record.path("s3").path("object").path("key");
        if (!bucket.isTextual() || !key.isTextual()) {
            throw new InvocationException("the S3 event has no s3.bucket.name or s3.object.key");
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(key.asText(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvocationException("the S3 event's object key is not URL-encoded correctly");
        }
        if (!decoded.startsWith(StorageTrigger.INPUT_FOLDER)) {
            throw new InvocationException("object " + printable(decoded) + " is not under " + StorageTrigger.INPUT_FOLDER
                    + ": only objects put under input/ start a run; check the bucket's notification filter");
        }
        return Optional.of(new StorageTrigger(bucket.asText(), decoded));
    }

    /** The event S3 sends for {@code key} put into {@code bucket}. */
    public static byte[] toJson(String bucket, String key, String region) {
        ObjectNode root = SharedMapper.get().createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", region == null ? "" : region);
        record.put("eventName", "ObjectCreated:Put");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
        // S3's own encoding: form-style, a space as '+'.
        s3.putObject("object").put("key", URLEncoder.encode(key, StandardCharsets.UTF_8));
        try {
            return SharedMapper.get().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
