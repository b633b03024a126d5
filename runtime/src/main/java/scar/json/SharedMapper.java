package scar.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The process's one object mapper, for the documents that need Jackson's data binding (registry
 * manifests and configs, layer records, JSON output, Lambda events). Made at its first use: its
 * set-up cost a one-shot command ~0.1 s, and most commands never need it (scar's own small
 * documents are read with {@link JsonFields}). A mapper is thread-safe once made; nobody
 * configures this one, so every user gets Jackson's defaults.
 */
public final class SharedMapper {
    private SharedMapper() {
    }

    public static ObjectMapper get() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
