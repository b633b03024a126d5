package scar.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import scar.json.JsonFields;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * A ledger entry as one line of JSON and back, with Jackson's streaming parser and generator:
 * an object mapper's set-up cost a one-shot batch ~0.1 s before its first run. The fields and
 * their order are those the object mapper wrote, so ledgers of either kind read the same.
 */
final class LedgerLines {
    private LedgerLines() {
    }

    static String format(LedgerEntry entry) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JsonFields.factory().createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("event", entry.event());
            json.writeStringField("key", entry.key());
            json.writeStringField("version", entry.version());
            json.writeStringField("requestId", entry.requestId());
            json.writeStringField("owner", entry.owner());
            json.writeStringField("error", entry.error());
            json.writeNumberField("time", entry.time());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return line.toString();
    }

    /** The entry of one line; a torn or damaged line fails with an IOException. */
    static LedgerEntry parse(String line) throws IOException {
        String[] text = new String[6]; // event, key, version, requestId, owner, error
        long[] time = {0};
        JsonFields.read(line, (field, value) -> {
            switch (field) {
                case "event" -> text[0] = value.text();
                case "key" -> text[1] = value.text();
                case "version" -> text[2] = value.text();
                case "requestId" -> text[3] = value.text();
                case "owner" -> text[4] = value.text();
                case "error" -> text[5] = value.text();
                case "time" -> time[0] = value.longInteger();
                default -> { } // a newer scar's field
            }
        });
        if (text[0] == null || text[1] == null || text[2] == null || text[4] == null) {
            throw new IOException("a ledger line without its event, key, version or owner: " + line);
        }
        return new LedgerEntry(text[0], text[1], text[2], text[3], text[4], text[5], time[0]);
    }
}
