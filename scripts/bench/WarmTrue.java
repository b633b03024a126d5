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

        double proot = mean(runs, () -> exec(List.of("proot", "-r", rootfs.toString(), "/bin/true")));
        double viaExecutor = mean(runs, () -> executor.run(spec, line -> { }));
        double viaSupervisor = mean(runs, () -> supervisor.invoke(fn,
                new InvocationRequest("bench-" + id[0]++, null, List.of(), Map.of()), line -> { }));
        // chroot (root only): native speed in its own mount and PID namespace
        scar.exec.ChrootExecutor chroot = "root".equals(System.getProperty("user.name")) ? new scar.exec.ChrootExecutor() : null;
        double viaChroot = chroot != null ? mean(runs, () -> chroot.run(spec, line -> { })) : Double.NaN;
        double proot2 = mean(runs, () -> exec(List.of("proot", "-r", rootfs.toString(), "/bin/true")));
        double base = (proot + proot2) / 2;

        System.out.printf("proot -r ROOTFS /bin/true      %7.2f ms  (before %.2f, after %.2f)%n", base, proot, proot2);
        System.out.printf("ProotExecutor                  %7.2f ms  x%.2f  %+.2f ms%n", viaExecutor, viaExecutor / base, viaExecutor - base);
        if (!Double.isNaN(viaChroot)) {
            System.out.printf("ChrootExecutor (root)          %7.2f ms  x%.2f  %+.2f ms%n", viaChroot, viaChroot / base, viaChroot - base);
        }
        System.out.printf("Supervisor (whole invocation)  %7.2f ms  x%.2f  %+.2f ms%n", viaSupervisor, viaSupervisor / base,
                viaSupervisor - base);
    }

    private interface Run {
        void run() throws Exception;
    }

    private static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    private static double mean(int runs, Run run) throws Exception {
        for (int i = 0; i < Math.max(3, runs / 10); i++) {
            run.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            run.run();
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }
}
