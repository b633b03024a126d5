package scar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Builds real OCI images from {@link BusyboxRootfs} with umoci, pushes them to a registry with
 * skopeo, and writes {@code docker save} tarballs — all without Docker.
 */
public final class TestImages {
    /**
     * What goes into a test image. {@code extraFiles} may add or change files in the root
     * filesystem before it is packed (it receives the rootfs directory).
     */
    public record Spec(List<String> entrypoint, List<String> cmd, List<String> env, String workdir, Consumer<Path> extraFiles) {
        public Spec {
            entrypoint = List.copyOf(entrypoint);
            cmd = List.copyOf(cmd);
            env = List.copyOf(env);
            workdir = workdir == null ? "" : workdir;
            extraFiles = extraFiles == null ? root -> { } : extraFiles;
        }

        /** The default: busybox + cowsay, CMD ["/usr/games/cowsay","Hello"]. */
        public static Spec cowsay() {
            return new Spec(List.of(), List.of("/usr/games/cowsay", "Hello"), List.of(), "", null);
        }

        public Spec withEntrypoint(String... args) {
            return new Spec(List.of(args), cmd, env, workdir, extraFiles);
        }

        public Spec withCmd(String... args) {
            return new Spec(entrypoint, List.of(args), env, workdir, extraFiles);
        }

        /** Each value is NAME=VALUE. */
        public Spec withEnv(String... values) {
            return new Spec(entrypoint, cmd, List.of(values), workdir, extraFiles);
        }

        public Spec withWorkdir(String dir) {
            return new Spec(entrypoint, cmd, env, dir, extraFiles);
        }

        public Spec withFiles(Consumer<Path> files) {
            return new Spec(entrypoint, cmd, env, workdir, files);
        }
    }

    private final Path workDir;
    private final AtomicInteger counter = new AtomicInteger();

    /** Builds under {@code workDir} (a test's temp directory). */
    public TestImages(Path workDir) {
        this.workDir = workDir;
    }

    /** Builds an OCI layout holding the image under {@code tag}; returns the layout directory. */
    public Path buildOci(String tag, Spec spec) {
        Path umoci = Tools.require("umoci", "umoci");
        Path build = workDir.resolve("image-" + counter.incrementAndGet());
        Path layout = build.resolve("oci");
        Path bundle = build.resolve("bundle");
        String image = layout + ":" + tag;
        try {
            Files.createDirectories(build);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tools.run(build, List.of(umoci.toString(), "init", "--layout", layout.toString()));
        Tools.run(build, List.of(umoci.toString(), "new", "--image", image));
        Tools.run(build, List.of(umoci.toString(), "unpack", "--rootless", "--image", image, bundle.toString()));
        Path rootfs = bundle.resolve("rootfs");
        BusyboxRootfs.create(rootfs);
        spec.extraFiles().accept(rootfs);
        Tools.run(build, List.of(umoci.toString(), "repack", "--image", image, bundle.toString()));
        List<String> config = new ArrayList<>(List.of(umoci.toString(), "config", "--image", image));
        spec.entrypoint().forEach(a -> config.add("--config.entrypoint=" + a));
        spec.cmd().forEach(a -> config.add("--config.cmd=" + a));
        spec.env().forEach(e -> config.add("--config.env=" + e));
        if (!spec.workdir().isEmpty()) {
            config.add("--config.workingdir=" + spec.workdir());
        }
        Tools.run(build, config);
        return layout;
    }

    /** Builds and pushes {@code name:tag}; returns the reference to pull, e.g. {@code 127.0.0.1:PORT/cowsay:1}. */
    public String push(TestRegistry registry, String nameAndTag, Spec spec) {
        String[] nt = split(nameAndTag);
        Path layout = buildOci(nt[1], spec);
        String ref = registry.address() + "/" + nt[0] + ":" + nt[1];
        Path skopeo = Tools.require("skopeo", "skopeo");
        Tools.run(workDir, List.of(skopeo.toString(), "copy", "--quiet", "--dest-tls-verify=false",
                "oci:" + layout + ":" + nt[1], "docker://" + ref));
        return ref;
    }

    /** Pushes the default cowsay image as {@code name:tag}. */
    public String push(TestRegistry registry, String nameAndTag) {
        return push(registry, nameAndTag, Spec.cowsay());
    }

    /** Writes a {@code docker save} tarball of the image, tagged {@code name:tag}; returns the file. */
    public Path dockerArchive(String nameAndTag, Spec spec) {
        String[] nt = split(nameAndTag);
        Path layout = buildOci(nt[1], spec);
        Path file = layout.getParent().resolve(nt[0].replace('/', '_') + ".tar");
        Path skopeo = Tools.require("skopeo", "skopeo");
        Tools.run(workDir, List.of(skopeo.toString(), "copy", "--quiet", "oci:" + layout + ":" + nt[1],
                "docker-archive:" + file + ":" + nt[0] + ":" + nt[1]));
        return file;
    }

    private static String[] split(String nameAndTag) {
        int colon = nameAndTag.lastIndexOf(':');
        return colon < 0 ? new String[]{nameAndTag, "latest"}
                : new String[]{nameAndTag.substring(0, colon), nameAndTag.substring(colon + 1)};
    }
}
