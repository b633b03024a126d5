import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import scar.image.Image;
import scar.image.LayerUnpacker;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;

/**
 * One {@code -if} load of a docker save tarball, in-process; prints wall and process CPU
 * milliseconds. Modes:
 * <ul>
 * <li>{@code store TARBALL CACHE [PRELOAD...]}: LocalImageStore.load into CACHE, after loading
 *     the PRELOAD tarballs (untimed), i.e. through the layer store, sharing what is there;</li>
 * <li>{@code whole TARBALL DIR}: what -if did before the layer store: extract the archive, then
 *     apply every layer in order onto one root with the same safe unpacker (no sharing).</li>
 * </ul>
 */
public final class LoadImage {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Path tarball = Path.of(args[1]);
        Path dir = Path.of(args[2]);
        LocalImageStore store = new LocalImageStore(dir, new RegistryClient(), 4L << 30);
        for (int i = 3; i < args.length; i++) {
            store.load(Path.of(args[i]));
        }
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        String result;
        if (args[0].equals("store")) {
            Image image = store.load(tarball);
            result = image.rootfs().toString();
        } else {
            Path extracted = Files.createDirectories(dir.resolve("extracted"));
            Path root = Files.createDirectories(dir.resolve("rootfs"));
            new LayerUnpacker(extracted, "bench", 8L << 30).apply(tarball, "bench");
            JsonNode manifest = new ObjectMapper().readTree(extracted.resolve("manifest.json").toFile());
            List<String> layers = new ArrayList<>();
            manifest.get(0).get("Layers").forEach(l -> layers.add(l.asText()));
            LayerUnpacker unpacker = new LayerUnpacker(root, "bench", 4L << 30);
            for (String layer : layers) {
                unpacker.apply(extracted.resolve(layer), "bench");
            }
            try (var all = Files.walk(extracted)) { // as load did: the extracted archive goes
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            result = root.toString();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println(ms + " " + (os.getProcessCpuTime() - cpu) / 1_000_000 + " " + result);
    }
}
