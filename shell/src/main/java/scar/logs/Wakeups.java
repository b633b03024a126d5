package scar.logs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lets a follower sleep until a watched directory changes, or a poll interval passes. Without
 * a working WatchService it is a plain sleep, and following still works by polling.
 */
final class Wakeups implements AutoCloseable {
    private final WatchService watcher;
    private final Map<Path, WatchKey> keys = new HashMap<>();

    private Wakeups(WatchService watcher) {
        this.watcher = watcher;
    }

    static Wakeups open() {
        try {
            return new Wakeups(FileSystems.getDefault().newWatchService());
        } catch (IOException | UnsupportedOperationException e) {
            return new Wakeups(null);
        }
    }

    /** Sleeps only: following by polling alone. */
    static Wakeups polling() {
        return new Wakeups(null);
    }

    /** Watches {@code dir} if it exists and is not watched yet (again, if it was removed and made anew). */
    void watch(Path dir) {
        if (watcher == null) {
            return;
        }
        WatchKey known = keys.get(dir);
        if (known != null && known.isValid()) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            keys.remove(dir);
            return;
        }
        try {
            keys.put(dir, dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY));
        } catch (IOException | ClosedWatchServiceException e) {
            keys.remove(dir); // removed in between, or out of inotify watches: polling covers it
        }
    }

    /** Returns when something changed in a watched directory, or after {@code millis}. */
    void await(long millis) throws InterruptedException {
        if (watcher == null) {
            Thread.sleep(millis);
            return;
        }
        WatchKey key = watcher.poll(millis, TimeUnit.MILLISECONDS);
        // Bounded: while a stream is being written, events keep coming; reading it is the point.
        for (int drained = 0; key != null && drained <= keys.size(); drained++) {
            key.pollEvents();
            key.reset();
            key = watcher.poll();
        }
        if (key != null) {
            key.pollEvents();
            key.reset();
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // Nothing held but the inotify descriptor, which the JVM closes with the service.
            }
        }
    }
}
