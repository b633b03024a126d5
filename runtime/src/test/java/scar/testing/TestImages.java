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
     * filesystem before it is packed (it receives the rootfs directory); each of {@code upperLayers}
     * then changes the rootfs again and is packed as one more layer (deletions become whiteouts).
     */
    public record Spec(List<String> entrypoint, List<String> cmd, List<String> env, String workdir, Consumer<Path> extraFiles,
                       List<Consumer<Path>> upperLayers) {
        public Spec(List<String> entrypoint, List<String> cmd, List<String> env, String workdir, Consumer<Path> extraFiles) {
            this(entrypoint, cmd, env, workdir, extraFiles, List.of());
        }

        public Spec {
            upperLayers = List.copyOf(upperLayers);
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
            return new Spec(List.of(args), cmd, env, workdir, extraFiles, upperLayers);
        }

        public Spec withCmd(String... args) {
            return new Spec(entrypoint, List.of(args), env, workdir, extraFiles, upperLayers);
        }

        /** Each value is NAME=VALUE. */
        public Spec withEnv(String... values) {
            return new Spec(entrypoint, cmd, List.of(values), workdir, extraFiles, upperLayers);
        }

        public Spec withWorkdir(String dir) {
            return new Spec(entrypoint, cmd, env, dir, extraFiles, upperLayers);
        }

        /** Adds a layer on top: {@code change} edits the rootfs left by the layers below. */
        public Spec withLayer(Consumer<Path> change) {
            List<Consumer<Path>> layers = new ArrayList<>(upperLayers);
            layers.add(change);
            return new Spec(entrypoint, cmd, env, workdir, extraFiles, layers);
        }

        public Spec withFiles(Consumer<Path> files) {
            return new Spec(entrypoint, cmd, env, workdir, files, upperLayers);
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
        // --refresh-bundle: the next repack must diff against this layer, not the empty image
        Tools.run(build, List.of(umoci.toString(), "repack", "--refresh-bundle", "--image", image, bundle.toString()));
        for (Consumer<Path> layer : spec.upperLayers()) {
            layer.accept(rootfs);
            Tools.run(build, List.of(umoci.toString(), "repack", "--refresh-bundle", "--image", image, bundle.toString()));
        }
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
        List<String> copy = new java.util.ArrayList<>(List.of(skopeo.toString(), "copy", "--quiet", "--dest-tls-verify=false"));
        if (registry.login() != null) {
            copy.add("--dest-creds=" + registry.login());
        }
        copy.add("oci:" + layout + ":" + nt[1]);
        copy.add("docker://" + ref);
        Tools.run(workDir, copy);
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

    /** Writes an OCI image layout archive ({@code skopeo copy ... oci-archive:FILE:TAG}); returns the file. */
    public Path ociArchive(String nameAndTag, Spec spec) {
        String[] nt = split(nameAndTag);
        Path layout = buildOci(nt[1], spec);
        Path file = layout.getParent().resolve(nt[0].replace('/', '_') + ".oci.tar");
        Path skopeo = Tools.require("skopeo", "skopeo");
        Tools.run(workDir, List.of(skopeo.toString(), "copy", "--quiet", "oci:" + layout + ":" + nt[1],
                "oci-archive:" + file + ":" + nt[1]));
        return file;
    }

    /**
     * Writes an OCI image layout (tag {@code latest}) whose layers are the given tar files, as
     * they are (uncompressed), lowest first, with {@code cmd}: for crafted, hostile layers that no
     * image builder would write. Load it with {@code -if DIR}, or push it with {@link #push(TestRegistry, String, Path)}.
     */
    public Path ociLayout(List<byte[]> layerTars, String... cmd) {
        Path layout = workDir.resolve("crafted-" + counter.incrementAndGet());
        try {
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            StringBuilder layers = new StringBuilder();
            StringBuilder diffIds = new StringBuilder();
            for (byte[] tar : layerTars) {
                String digest = blob(blobs, tar);
                layers.append(layers.length() == 0 ? "" : ",").append(descriptor("application/vnd.oci.image.layer.v1.tar", digest, tar.length));
                diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(digest).append('"');
            }
            StringBuilder cmdJson = new StringBuilder();
            for (String c : cmd) {
                cmdJson.append(cmdJson.length() == 0 ? "" : ",").append('"').append(c.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[" + cmdJson
                    + "]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String configDigest = blob(blobs, config);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                    + descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length)
                    + ",\"layers\":[" + layers + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String manifestDigest = blob(blobs, manifest);
            Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                    + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes an OCI layout's {@code latest} as {@code name:tag}; returns the reference to pull. */
    public String push(TestRegistry registry, String nameAndTag, Path layout) {
        String ref = registry.address() + "/" + nameAndTag;
        Tools.run(workDir, List.of(Tools.require("skopeo", "skopeo").toString(), "copy", "--quiet", "--dest-tls-verify=false",
                "oci:" + layout + ":latest", "docker://" + ref));
        return ref;
    }

    private static String blob(Path blobs, byte[] content) throws IOException {
        String hex = java.util.HexFormat.of().formatHex(sha256(content));
        Files.write(blobs.resolve(hex), content);
        return "sha256:" + hex;
    }

    private static byte[] sha256(byte[] content) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static String[] split(String nameAndTag) {
        int colon = nameAndTag.lastIndexOf(':');
        return colon < 0 ? new String[]{nameAndTag, "latest"}
                : new String[]{nameAndTag.substring(0, colon), nameAndTag.substring(colon + 1)};
    }
}
