package scar.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

/**
 * Reads an image archive from disk: a {@code docker save} tarball (manifest.json) or an OCI image
 * layout archive (oci-layout + index.json). The archive is extracted with the same hostile-input
 * rules as a layer, and every path named inside it must stay inside the extracted directory.
 */
final class ArchiveReader {
    private static final int MAX_JSON = 8 << 20;

    /**
     * One layer file to apply; {@code label} names it in messages (a digest when known).
     * {@code digest} is the blob digest the archive's manifest claims for it (OCI), null when the
     * archive names none (docker save); it is checked while the layer is unpacked, not here, so
     * a layer already in the layer store is never read.
     */
    record Layer(Path file, String label, String digest) {
    }

    record Contents(ParsedConfig config, List<Layer> layers) {
    }

    private final long maxUnpackedBytes;

    ArchiveReader(long maxUnpackedBytes) {
        this.maxUnpackedBytes = maxUnpackedBytes;
    }

    /** Extracts {@code archive} into the empty directory {@code into} and reads its first image. */
    Contents read(Path archive, Path into) {
        String name = "image file " + archive;
        // docker save stores layers uncompressed, so the archive is about as big as the unpacked image
        new LayerUnpacker(into, name, saturatedDouble(maxUnpackedBytes)).apply(archive, name);
        if (Files.isRegularFile(into.resolve("manifest.json"))) {
            return readDocker(archive, into);
        }
        if (Files.isRegularFile(into.resolve("index.json"))) {
            return readOci(archive, into);
        }
        throw new ImageException(name + " is neither a docker save archive (no manifest.json) nor an OCI archive (no index.json)");
    }

    /**
     * Reads an OCI image layout directory in place (oci-layout + index.json + blobs/): nothing is
     * copied, and every file it names must be a regular file inside it after symlinks, so a
     * layout cannot make scar read /dev/zero or another user's files.
     */
    Contents readLayout(Path layout) {
        Path dir;
        try {
            dir = layout.toRealPath();
        } catch (IOException e) {
            throw new ImageException("cannot read image directory " + layout + ": " + RegistryClient.describe(e), e);
        }
        if (!Files.exists(dir.resolve("oci-layout"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || !Files.exists(dir.resolve("index.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException("image directory " + layout + " is not an OCI image layout (it needs oci-layout and "
                    + "index.json); give an OCI layout directory, a docker save tarball or an OCI archive");
        }
        inside(layout, dir, "oci-layout"); // a regular file inside, not a link out
        return readOci(layout, dir);
    }

    private Contents readDocker(Path archive, Path dir) {
        JsonNode manifest = json(archive, dir, "manifest.json");
        JsonNode first = manifest.path(0);
        if (!first.isObject()) {
            throw new ImageException("image file " + archive + " has an empty or invalid manifest.json");
        }
        byte[] configBytes = bytes(archive, inside(archive, dir, first.path("Config").asText("")));
        ParsedConfig config = ParsedConfig.parse(configBytes, Digests.sha256(configBytes), archive.toString());
        JsonNode layers = first.path("Layers");
        if (!layers.isArray()) {
            throw new ImageException("image file " + archive + " lists no layers in manifest.json");
        }
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Path file = inside(archive, dir, layers.get(i).asText(""));
            String label = config.diffIds().size() == layers.size() ? config.diffIds().get(i)
                    : "layer " + (i + 1) + " of image file " + archive;
            out.add(new Layer(file, label, null));
        }
        return new Contents(config, out);
    }

    private Contents readOci(Path archive, Path dir) {
        JsonNode index = json(archive, dir, "index.json");
        JsonNode manifest = null;
        for (int depth = 0; depth < 3 && manifest == null; depth++) {
            JsonNode entries = index.path("manifests");
            if (!entries.isArray() || entries.isEmpty()) {
                throw new ImageException("image file " + archive + " has no manifests in its index");
            }
            JsonNode chosen = entries.get(0);
            for (JsonNode e : entries) {
                if (e.path("platform").path("architecture").asText("").equals(RegistryClient.hostArchitecture())) {
                    chosen = e;
                    break;
                }
            }
            JsonNode doc = verifiedJson(archive, dir, chosen.path("digest").asText(""));
            if (doc.has("manifests")) {
                index = doc; // a nested index, as docker save 25+ writes
            } else {
                manifest = doc;
            }
        }
        if (manifest == null) {
            throw new ImageException("image file " + archive + " nests indexes too deeply");
        }
        String configDigest = manifest.path("config").path("digest").asText("");
        byte[] configBytes = bytes(archive, blob(archive, dir, configDigest));
        if (!Digests.sha256(configBytes).equals(configDigest)) {
            throw corrupt(archive, configDigest, Digests.sha256(configBytes));
        }
        ParsedConfig config = ParsedConfig.parse(configBytes, configDigest, archive.toString());
        List<Layer> out = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            String digest = layer.path("digest").asText("");
            out.add(new Layer(blob(archive, dir, digest), digest, digest));
        }
        return new Contents(config, out);
    }

    private JsonNode verifiedJson(Path archive, Path dir, String digest) {
        byte[] bytes = bytes(archive, blob(archive, dir, digest));
        if (!Digests.sha256(bytes).equals(digest)) {
            throw corrupt(archive, digest, Digests.sha256(bytes));
        }
        return parse(archive, bytes, digest);
    }

    private Path blob(Path archive, Path dir, String digest) {
        if (!Digests.isValid(digest)) {
            throw new ImageException("image file " + archive + " names an invalid digest '" + Messages.quote(digest) + "'");
        }
        return inside(archive, dir, "blobs/sha256/" + Digests.hex(digest));
    }

    /**
     * Resolves a path named by the archive's own JSON. It must be relative without '..', and after
     * following symlinks (skopeo links layer.tar files to each other) still be a file inside {@code dir}.
     */
    private static Path inside(Path archive, Path dir, String relative) {
        boolean bad = relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\0') >= 0;
        for (String part : relative.split("/")) {
            bad |= part.equals("..");
        }
        if (!bad) {
            try {
                Path real = dir.resolve(relative).toRealPath();
                if (real.startsWith(dir.toRealPath()) && Files.isRegularFile(real)) {
                    return real;
                }
            } catch (IOException e) {
                throw new ImageException("image file " + archive + " names '" + Messages.quote(relative) + "', which it does not contain");
            }
        }
        throw new ImageException("image file " + archive + " names an unsafe path '" + Messages.quote(relative) + "'; refusing to load it");
    }

    private static JsonNode json(Path archive, Path dir, String name) {
        return parse(archive, bytes(archive, inside(archive, dir, name)), name);
    }

    private static JsonNode parse(Path archive, byte[] bytes, String what) {
        try {
            JsonNode node = SharedMapper.get().readTree(bytes);
            if (node == null) {
                throw new IOException("empty");
            }
            return node;
        } catch (IOException e) {
            throw new ImageException("image file " + archive + " has invalid JSON in " + Messages.quote(what));
        }
    }

    private static byte[] bytes(Path archive, Path file) {
        try {
            if (Files.size(file) > MAX_JSON) {
                throw new ImageException("image file " + archive + " has an oversized " + file.getFileName());
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageException("cannot read image file " + archive + ": " + RegistryClient.describe(e), e);
        }
    }

    static String fileDigest(Path archive, Path file) {
        MessageDigest sha = Digests.newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
            return Digests.of(sha);
        } catch (IOException e) {
            throw new ImageException("cannot read image file " + archive + ": " + RegistryClient.describe(e), e);
        }
    }

    static ImageException corrupt(Path archive, String expected, String actual) {
        return new ImageException("image file " + archive + " is corrupt: expected " + expected + " but the content has " + actual);
    }

    private static long saturatedDouble(long n) {
        return n > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : n * 2;
    }
}
