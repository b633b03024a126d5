package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import scar.json.SharedMapper;
import scar.invoke.InvocationResult;

import java.io.IOException;
import java.util.Optional;

/**
 * What the handler answers: {@code {"LambdaOutput": {...}}} for a run (the same document as
 * {@code run --json} on the local target), or {@code {"Error": "one line"}} for a request the
 * supervisor refused (bad image, bad variable name), which the shell shows as it is.
 */
public record ScarResponse(InvocationResult result, String logGroup, String logStream, String error) {
    public static ScarResponse of(InvocationResult result, String logGroup, String logStream) {
        return new ScarResponse(result, logGroup, logStream, null);
    }

    public static ScarResponse failure(String error) {
        return new ScarResponse(null, null, null, error);
    }

    public byte[] toJson() {
        ObjectNode root = SharedMapper.get().createObjectNode();
        if (error != null) {
            root.put("Error", error);
        } else {
            ObjectNode out = root.putObject("LambdaOutput");
            out.put("RequestId", result.requestId());
            out.put("ExitCode", result.exitCode());
            out.put("TimedOut", result.timedOut());
            out.put("Duration", result.durationMillis());
            out.put("Output", result.output());
            out.put("OutputTruncated", result.outputTruncated());
            out.put("LogGroup", logGroup);
            out.put("LogStream", logStream);
        }
        try {
            return SharedMapper.get().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty when the bytes are not a scar response (e.g. a function that is not scar's). */
    public static Optional<ScarResponse> parse(byte[] bytes) {
        JsonNode root;
        try {
            root = SharedMapper.get().readTree(bytes);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        if (root.path("Error").isTextual()) {
            return Optional.of(failure(root.get("Error").asText()));
        }
        JsonNode out = root.path("LambdaOutput");
        if (!out.isObject() || !out.path("ExitCode").isInt() || !out.path("RequestId").isTextual()) {
            return Optional.empty();
        }
        var result = new InvocationResult(out.get("RequestId").asText(), out.get("ExitCode").asInt(),
                out.path("Output").asText(""), out.path("TimedOut").asBoolean(false),
                out.path("OutputTruncated").asBoolean(false), out.path("Duration").asLong(0));
        return Optional.of(new ScarResponse(result, textOrNull(out, "LogGroup"), textOrNull(out, "LogStream"), null));
    }

    private static String textOrNull(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }
}
