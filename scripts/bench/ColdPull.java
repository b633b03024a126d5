import java.nio.file.Path;
import scar.image.Image;
import scar.image.ImageRef;
import scar.image.LocalImageStore;
import scar.image.RegistryClient;

/**
 * One cold pull + unpack through scar's image store into an empty cache; prints the milliseconds,
 * then the CPU milliseconds the whole process used meanwhile (all threads: download, inflate,
 * digests, file creation, the JIT compiling them, GC), comparable to user+sys of the floor.
 */
public final class ColdPull {
    public static void main(String[] args) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        Image image = new LocalImageStore(Path.of(args[1]), new RegistryClient(), 4L << 30).pull(ImageRef.parse(args[0]));
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println(ms + " " + (os.getProcessCpuTime() - cpu) / 1_000_000 + " " + image.rootfs());
    }
}
