package scar.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads scar's own small JSON documents (a function, an image's record, a ledger line) field by
 * field with Jackson's streaming parser. Setting up an object mapper and its deserializers cost
 * a one-shot command ~0.1 s before it read a byte; these documents have a handful of fields.
 * A field the caller does not know (written by a newer scar) is skipped; a value of the wrong
 * type fails with a {@link JsonParseException} naming where.
 */
public final class JsonFields {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** What the caller does with one field; the parser stands on its value. */
    public interface FieldReader {
        void read(String field, JsonFields value) throws IOException;
    }

    private final JsonParser parser;

    private JsonFields(JsonParser parser) {
        this.parser = parser;
    }

    public static void read(File file, FieldReader fields) throws IOException {
        try (JsonParser parser = FACTORY.createParser(file)) {
            new JsonFields(parser).document(fields);
        }
    }

    public static void read(String text, FieldReader fields) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            new JsonFields(parser).document(fields);
        }
    }

    /** The factory the writers of these documents share. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    private void document(FieldReader fields) throws IOException {
        expect(parser.nextToken(), JsonToken.START_OBJECT);
        object(fields);
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "more after the end of the document");
        }
    }

    /** The fields of the object the parser stands on (its START_OBJECT). */
    private void object(FieldReader fields) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            fields.read(field, this);
            if (parser.currentToken() == JsonToken.START_OBJECT || parser.currentToken() == JsonToken.START_ARRAY) {
                parser.skipChildren(); // a field the reader did not take
            }
        }
        expect(parser.currentToken(), JsonToken.END_OBJECT);
    }

    /** A string, or null. */
    public String text() throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(parser.currentToken(), JsonToken.VALUE_STRING);
        return parser.getText();
    }

    public int integer() throws IOException {
        expect(parser.currentToken(), JsonToken.VALUE_NUMBER_INT);
        return parser.getIntValue();
    }

    public long longInteger() throws IOException {
        expect(parser.currentToken(), JsonToken.VALUE_NUMBER_INT);
        return parser.getLongValue();
    }

    /** A list of strings; null reads as an empty list. */
    public List<String> texts() throws IOException {
        List<String> texts = new ArrayList<>();
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return texts;
        }
        expect(parser.currentToken(), JsonToken.START_ARRAY);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            expect(parser.currentToken(), JsonToken.VALUE_STRING);
            texts.add(parser.getText());
        }
        return texts;
    }

    /** An object of strings; null reads as an empty map. */
    public Map<String, String> textMap() throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return map;
        }
        expect(parser.currentToken(), JsonToken.START_OBJECT);
        object((key, value) -> map.put(key, value.text()));
        return map;
    }

    /** An object, field by field; null reads as no fields. */
    public void nested(FieldReader fields) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(parser.currentToken(), JsonToken.START_OBJECT);
        object(fields);
    }

    private void expect(JsonToken actual, JsonToken expected) throws JsonParseException {
        if (actual != expected) {
            throw new JsonParseException(parser, "expected " + expected + ", found " + actual);
        }
    }
}
