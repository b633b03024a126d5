package scar.shell;

import java.util.List;
import java.util.Locale;
import scar.commands.Console;
import scar.image.Descriptor;
import scar.image.Image;
import scar.image.ImageRef;
import scar.image.LocalImageStore;

/**
 * A one-line progress bar on stderr while an image is pulled: the current layer's bytes and the
 * total. Drawn only for a person at a terminal, redrawn at most every 100 ms, and silent when
 * the command's output is for a program ({@code --json}).
 */
final class PullProgress implements LocalImageStore.Listener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final Console console;
    private final boolean quiet;
    private String image = "";
    private List<Descriptor> layers = List.of();
    private long doneBefore;
    private int index;
    private long lastDraw;
    private long started;
    private boolean drawn;

    PullProgress(Console console, boolean quiet) {
        this.console = console;
        this.quiet = quiet;
    }

    private boolean active() {
        return !quiet && console.interactive();
    }

    @Override
    public synchronized void pulling(ImageRef ref, List<Descriptor> layers) {
        this.image = ref.display();
        this.layers = List.copyOf(layers);
        this.doneBefore = 0;
        this.started = System.nanoTime();
    }

    @Override
    public synchronized void downloading(ImageRef ref, Descriptor layer, int index, int count) {
        // every layer below this one is done: downloaded, or found in the layer store and skipped
        doneBefore = layers.stream().limit(Math.max(0, index - 1)).mapToLong(d -> Math.max(0, d.size())).sum();
        this.index = index;
        draw(0, true);
    }

    @Override
    public synchronized void progress(ImageRef ref, Descriptor layer, long bytes) {
        draw(bytes, false);
    }

    @Override
    public synchronized void unpacked(Image unpacked) {
        if (!active() || !drawn) {
            return;
        }
        long total = layers.stream().mapToLong(d -> Math.max(0, d.size())).sum();
        double seconds = (System.nanoTime() - started) / 1e9;
        console.err().print("\r\033[K");
        console.err().println(String.format(Locale.ROOT, "pulled %s: %d layer%s, %s in %.1f s", image, layers.size(),
                layers.size() == 1 ? "" : "s", mb(total), seconds));
        console.err().flush();
        drawn = false;
    }

    private void draw(long layerBytes, boolean force) {
        if (!active() || layers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        long layerSize = index >= 1 && index <= layers.size() ? Math.max(0, layers.get(index - 1).size()) : 0;
        long total = layers.stream().mapToLong(d -> Math.max(0, d.size())).sum();
        long done = doneBefore + layerBytes;
        int filled = total > 0 ? (int) Math.min(BAR, done * BAR / total) : 0;
        String line = String.format(Locale.ROOT, "pulling %s [%s%s] layer %d/%d %s/%s, total %s/%s", image,
                "#".repeat(filled), ".".repeat(BAR - filled), index, layers.size(), mb(layerBytes), mb(layerSize),
                mb(done), mb(total));
        console.err().print("\r\033[K" + line);
        console.err().flush();
        drawn = true;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
