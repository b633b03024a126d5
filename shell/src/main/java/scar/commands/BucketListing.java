package scar.commands;

import scar.json.SharedMapper;
import scar.storage.ObjectInfo;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ls -b BUCKET[/PATH]}: keys with size and time, like {@code aws s3 ls --recursive}. */
final class BucketListing {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Session session;

    BucketListing(Session session) {
        this.session = session;
    }

    int print(BucketPath where, boolean json) throws Exception {
        var storage = session.target().storage();
        // BUCKET/PATH lists the object PATH, or what is below the folder PATH.
        List<ObjectInfo> objects = where.path().isEmpty() ? storage.list(where.bucket(), "")
                : storage.head(where.bucket(), where.path()).map(List::of)
                .orElseGet(() -> storage.list(where.bucket(), where.folderPrefix()));
        if (json) {
            List<Map<String, Object>> rows = objects.stream().map(o -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("Key", o.key());
                row.put("Size", o.size());
                row.put("LastModified", o.lastModified().toString());
                return row;
            }).toList();
            session.console().println(SharedMapper.get().writeValueAsString(Map.of("Objects", rows)));
            return ExitCodes.OK;
        }
        Table table = new Table(List.of("LAST_MODIFIED (UTC)", "SIZE", "KEY"));
        for (ObjectInfo o : objects) {
            table.add(List.of(TIME.format(o.lastModified()), Long.toString(o.size()), o.key()));
        }
        table.print(session.console().out());
        session.console().out().flush();
        return ExitCodes.OK;
    }
}
