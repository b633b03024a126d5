import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import scar.exec.ContainerSpec;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageRef;
import scar.image.ImageStore;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.Supervisor;

/**
 * Warm /bin/true per invocation, from one JVM, all measured in this run: proot alone
 * ({@code proot -r ROOTFS /bin/true}), scar's ProotExecutor, and a whole invocation through the
 * Supervisor (work dir, per-run root filesystem, environment, executor). Run by warm-true.
 */
public final class WarmTrue {
    public static void main(String[] args) throws Exception {
        Path rootfs = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("scar-bench-work");

        ProotExecutor executor = new ProotExecutor();
        ContainerSpec spec = new ContainerSpec(rootfs, List.of("/bin/true"), Map.of("PATH", "/bin"), "/", Map.of(),
                Duration.ofSeconds(30));
        Image image = new Image("sha256:" + "0".repeat(64), "bench", new ImageConfig(List.of(), List.of("/bin/true"),
                List.of(), "", ""), rootfs);
        ImageStore store = new ImageStore() {
            public Image pull(ImageRef ref) { throw new UnsupportedOperationException(); }
            public Image load(Path archive) { throw new UnsupportedOperationException(); }
            public Optional<Image> find(String id) { return Optional.of(image); }
            public Path runsDir(Image i) { return work.resolve("runs"); }
        };
        Supervisor supervisor = new Supervisor(store, executor, work.resolve("tmp"));
        FunctionSpec fn = new FunctionSpec("bench", "bench", image.id(), 128, 60, 5, null, Map.of(), null);
        int[] id = {0};

        // Interleaved, one run of each variant per round, and medians: on a shared, loaded machine
        // a burst of load then hits every variant alike instead of skewing one of them.
        List<Run> variants = new java.util.ArrayList<>(List.of(
                () -> exec(List.of("proot", "-r", rootfs.toString(), "/bin/true")),
                // what scar asks of proot: its report of each process's end, the network binds
                () -> exec(List.of("proot", "-v", "1", "-r", rootfs.toString(), "-b", "/dev", "-b", "/proc", "-b", "/sys",
                        "-b", "/etc/resolv.conf", "-b", "/etc/hosts", "-w", "/", "/bin/true")),
                () -> executor.run(spec, line -> { }),
                () -> supervisor.invoke(fn, new InvocationRequest("bench-" + id[0]++, null, List.of(), Map.of()), line -> { })));
        // chroot (root only): native speed in its own mount and PID namespace
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            scar.exec.ChrootExecutor chroot = new scar.exec.ChrootExecutor();
            variants.add(() -> chroot.run(spec, line -> { }));
        }
        long[][] took = new long[variants.size()][runs];
        for (int round = -Math.max(3, runs / 10); round < runs; round++) {
            for (int v = 0; v < variants.size(); v++) {
                long start = System.nanoTime();
                variants.get(v).run();
                if (round >= 0) {
                    took[v][round] = System.nanoTime() - start;
                }
            }
        }
        double base = median(took[0]);
        double withFlags = median(took[1]);
        double viaExecutor = median(took[2]);
        double viaSupervisor = median(took[3]);
        System.out.printf("median of %d interleaved runs each (mean in brackets)%n", runs);
        System.out.printf("proot -r ROOTFS /bin/true      %7.2f ms  (%.2f)%n", base, mean(took[0]));
        System.out.printf("proot -v 1 -b ... (scar flags) %7.2f ms  (%.2f)  x%.2f  %+.2f ms%n", withFlags, mean(took[1]),
                withFlags / base, withFlags - base);
        System.out.printf("ProotExecutor                  %7.2f ms  (%.2f)  x%.2f  %+.2f ms%n", viaExecutor, mean(took[2]),
                viaExecutor / base, viaExecutor - base);
        if (root) {
            double viaChroot = median(took[4]);
            System.out.printf("ChrootExecutor (root)          %7.2f ms  (%.2f)  x%.2f  %+.2f ms%n", viaChroot, mean(took[4]),
                    viaChroot / base, viaChroot - base);
        }
        System.out.printf("Supervisor (whole invocation)  %7.2f ms  (%.2f)  x%.2f  %+.2f ms%n", viaSupervisor, mean(took[3]),
                viaSupervisor / base, viaSupervisor - base);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double mean(long[] nanos) {
        return java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    private interface Run {
        void run() throws Exception;
    }

    private static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

}
