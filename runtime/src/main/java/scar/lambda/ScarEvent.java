package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import scar.json.SharedMapper;
import scar.invoke.InvocationException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload {@code run} sends to a scar function: {@code {"request_id": ..., "script": ...,
 * "args": [...], "environment": {...}}}, every field optional. The shell writes it and the handler
 * reads it with this one class, so the two cannot drift apart.
 */
public record ScarEvent(String requestId, String script, List<String> args, Map<String, String> environment) {
    public ScarEvent {
        args = args == null ? List.of() : List.copyOf(args);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    public byte[] toJson() {
        ObjectNode node = SharedMapper.get().createObjectNode();
        if (requestId != null) {
            node.put("request_id", requestId);
        }
        if (script != null) {
            node.put("script", script);
        }
        var array = node.putArray("args");
        args.forEach(array::add);
        var env = node.putObject("environment");
        // Sorted, so that the same request always gives the same bytes.
        new java.util.TreeMap<>(environment).forEach(env::put);
        try {
            return SharedMapper.get().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty or {@code {}} payload is an invocation with nothing given (the image's own command). */
    public static ScarEvent parse(byte[] payload) {
        if (payload.length == 0) {
            return new ScarEvent(null, null, List.of(), Map.of());
        }
        JsonNode node;
        try {
            node = SharedMapper.get().readTree(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvocationException("the event is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvocationException("the event cannot be read: " + e.getMessage());
        }
        if (node == null || node.isNull()) {
            return new ScarEvent(null, null, List.of(), Map.of());
        }
        if (!node.isObject()) {
            throw new InvocationException("the event must be a JSON object, not " + node.getNodeType());
        }
        String requestId = text(node, "request_id");
        String script = text(node, "script");
        List<String> args = new ArrayList<>();
        JsonNode argsNode = node.path("args");
        if (!argsNode.isMissingNode() && !argsNode.isNull()) {
            if (!argsNode.isArray()) {
                throw new InvocationException("'args' in the event must be an array of strings");
            }
            for (JsonNode arg : argsNode) {
                if (!arg.isTextual()) {
                    throw new InvocationException("'args' in the event must be an array of strings");
                }
                args.add(arg.asText());
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode envNode = node.path("environment");
        if (!envNode.isMissingNode() && !envNode.isNull()) {
            if (!envNode.isObject()) {
                throw new InvocationException("'environment' in the event must be an object of strings");
            }
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) envNode::fields) {
                if (!field.getValue().isTextual()) {
                    throw new InvocationException("'environment' in the event must be an object of strings");
                }
                environment.put(field.getKey(), field.getValue().asText());
            }
        }
        return new ScarEvent(requestId, script, args, environment);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvocationException("'" + field + "' in the event must be a string");
        }
        return value.asText();
    }
}
