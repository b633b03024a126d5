package scar.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

import java.util.Optional;

/**
 * One line of a function whose Lambda log format is JSON (LoggingConfig {@code LogFormat=JSON}):
 * Lambda's own START/END/REPORT lines become platform records
 * ({@code {"time":..,"type":"platform.start","record":{"requestId":..}}}) and the handler's lines
 * application records ({@code {"timestamp":..,"level":..,"message":"scar: Exit Code: 3",..}}).
 * The text format's readers look through these to the same facts, so {@code log -f} and
 * {@code run --async -f} work on either format. A {@link LogEvent} parses its line once and keeps
 * the record.
 *
 * @param type      a platform record's type ({@code platform.start}, ...), or null for an application record
 * @param requestId a platform record's request id
 * @param status    a platform record's status ({@code success}, {@code timeout}, ...)
 * @param message   an application record's message (the handler's line), or null for a platform record
 */
public record LambdaJsonRecord(String type, String requestId, String status, String message) {
    /** The record a line holds, or empty for a plain text line (or JSON that is not Lambda's). */
    static Optional<LambdaJsonRecord> of(String line) {
        String text = line.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = SharedMapper.get().readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        JsonNode type = node.get("type");
        JsonNode record = node.get("record");
        if (type != null && type.isTextual() && type.asText().startsWith("platform.") && record != null
                && record.isObject()) {
            return Optional.of(new LambdaJsonRecord(type.asText(), text(record, "requestId"), text(record, "status"),
                    null));
        }
        String message = text(node, "message");
        return message == null ? Optional.empty() : Optional.of(new LambdaJsonRecord(null, null, null, message));
    }

    boolean isPlatform(String platformType) {
        return platformType.equals(type);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
