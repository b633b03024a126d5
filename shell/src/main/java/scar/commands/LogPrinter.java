package scar.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import scar.json.SharedMapper;
import scar.logs.LogEvent;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prints log lines: the bare message for pipes and files (what the container printed, as
 * CloudWatch shows it); on a terminal a time and a request prefix, with colours by level;
 * with {@code --json}, one object per line.
 */
final class LogPrinter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final Pattern ERROR = Pattern.compile("(?i)\\b(error|fatal|exception|panic)\\b|Status: (timeout|error)");
    private static final Pattern WARN = Pattern.compile("(?i)\\bwarn(ing)?\\b");
    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String[] PREFIX_COLOURS = {"\u001b[36m", "\u001b[35m", "\u001b[34m", "\u001b[32m"};

    private final PrintWriter out;
    private final boolean json;
    private final boolean colour;
    private final boolean showFunction;
    private final ObjectMapper mapper = SharedMapper.get();

    LogPrinter(Console console, boolean json, boolean showFunction) {
        this.out = console.out();
        this.json = json;
        this.colour = console.interactive() && !json;
        this.showFunction = showFunction;
    }

    /** Prints a batch and flushes once: a follower printing 10,000 lines should not flush 10,000 times. */
    void print(List<LogEvent> events) {
        // One print of the whole batch: println on an auto-flushing writer would be a write() per line.
        StringBuilder batch = new StringBuilder();
        for (LogEvent event : events) {
            batch.append(json ? json(event) : colour ? coloured(event) : event.message()).append(System.lineSeparator());
        }
        out.print(batch);
        out.flush();
    }

    private String coloured(LogEvent event) {
        String rid = event.requestId() == null ? "" : event.requestId().substring(0, Math.min(8, event.requestId().length()));
        String prefix = (showFunction ? event.function() + " " : "") + rid;
        String prefixColour = PREFIX_COLOURS[Math.floorMod(prefix.hashCode(), PREFIX_COLOURS.length)];
        String message = event.message();
        String level = event.markedRequestId() != null && !ERROR.matcher(message).find() ? DIM
                : ERROR.matcher(message).find() ? RED
                : WARN.matcher(message).find() ? YELLOW : "";
        return DIM + TIME.format(Instant.ofEpochMilli(event.timestamp())) + RESET + " "
                + prefixColour + "[" + prefix + "]" + RESET + " "
                + (level.isEmpty() ? message : level + message + RESET);
    }

    private String json(LogEvent event) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("function", event.function());
        object.put("logStreamName", event.stream());
        object.put("timestamp", event.timestamp());
        object.put("time", Instant.ofEpochMilli(event.timestamp()).toString());
        object.put("requestId", event.requestId());
        object.put("message", event.message());
        try {
            return mapper.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
