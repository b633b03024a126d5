package scar.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import scar.testing.BusyboxRootfs;

/**
 * Not a test: prints the cost of one {@code /bin/true} through ProotExecutor, through proot
 * directly, and natively, each warm and averaged over 50 runs. Run with
 * {@code mvn -pl runtime test-compile exec:java}-style classpath, or from an IDE.
 */
public final class ProotBench {
    private static final int RUNS = 50;

    public static void main(String[] args) throws Exception {
        Path rootfs = BusyboxRootfs.create(Files.createTempDirectory("scar-bench").resolve("rootfs"));
        ProotExecutor executor = new ProotExecutor();
        ContainerSpec spec = new ContainerSpec(rootfs, List.of("/bin/true"), Map.of("PATH", "/bin"), "/", Map.of(),
                Duration.ofSeconds(10));
        double viaExecutor = average(() -> executor.run(spec, line -> { }));
        double viaProot = average(() -> exec(List.of("proot", "-r", rootfs.toString(), "/bin/true")));
        double viaSetsidV1 = average(() -> exec(List.of("setsid", "proot", "-v", "1", "-r", rootfs.toString(),
                "-b", "/dev", "-b", "/proc", "-b", "/sys", "-w", "/", "/bin/true")));
        double nativeTrue = average(() -> exec(List.of("/bin/true")));
        System.out.printf("native /bin/true          %6.2f ms%n", nativeTrue);
        System.out.printf("proot -r ROOTFS /bin/true %6.2f ms  (x%.1f native)%n", viaProot, viaProot / nativeTrue);
        System.out.printf("setsid proot -v 1 + binds  %6.2f ms%n", viaSetsidV1);
        System.out.printf("ProotExecutor /bin/true   %6.2f ms  (x%.1f native, x%.2f proot)%n", viaExecutor,
                viaExecutor / nativeTrue, viaExecutor / viaProot);
    }

    private interface Run {
        void run() throws Exception;
    }

    private static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    private static double average(Run run) throws Exception {
        for (int i = 0; i < 10; i++) {
            run.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            run.run();
        }
        return (System.nanoTime() - start) / 1e6 / RUNS;
    }
}
