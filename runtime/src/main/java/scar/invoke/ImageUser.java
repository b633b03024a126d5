package scar.invoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import scar.image.ImageException;

/**
 * The image's {@code USER}, resolved as Docker does: {@code name}, {@code uid}, {@code name:group}
 * or {@code uid:gid}; names are looked up in the image's own {@code /etc/passwd} and
 * {@code /etc/group}; a user without a group takes the primary group from passwd (or 0).
 *
 * @param ids  numeric {@code uid:gid}
 * @param home the user's home directory from passwd, if listed
 */
record ImageUser(String ids, Optional<String> home) {
    static final ImageUser ROOT = new ImageUser("0:0", Optional.of("/root"));
    private static final String ID = "[0-9]{1,10}";

    static ImageUser resolve(Path rootfs, String user, String image) {
        if (user == null || user.isBlank()) {
            return ROOT;
        }
        String[] parts = user.strip().split(":", 2);
        String name = parts[0];
        Optional<String[]> entry = find(rootfs, "etc/passwd", name.matches(ID) ? 2 : 0, name);
        String uid;
        if (name.matches(ID)) {
            uid = name;
        } else if (entry.isPresent() && entry.get()[2].matches(ID)) {
            uid = entry.get()[2];
        } else {
            throw new ImageException("image " + image + " runs as user '" + quote(name) + "', who is not in the image's /etc/passwd;"
                    + " the image is broken: fix its USER");
        }
        String gid;
        if (parts.length == 2 && parts[1].matches(ID)) {
            gid = parts[1];
        } else if (parts.length == 2) {
            gid = find(rootfs, "etc/group", 0, parts[1]).filter(g -> g[2].matches(ID)).map(g -> g[2]).orElseThrow(() ->
                    new ImageException("image " + image + " runs as group '" + quote(parts[1]) + "', which is not in the image's"
                            + " /etc/group; the image is broken: fix its USER"));
        } else {
            gid = entry.map(e -> e[3]).filter(g -> g.matches(ID)).orElse("0");
        }
        return new ImageUser(uid + ":" + gid, entry.map(e -> e[5]).filter(h -> h.startsWith("/")));
    }

    /** The line of {@code file} whose field {@code field} is {@code value}, split at ':' (passwd has 7 fields). */
    private static Optional<String[]> find(Path rootfs, String file, int field, String value) {
        Path path = rootfs.resolve(file);
        // the image's file, not a host file it may link to
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f.length > field && f[field].equals(value)) {
                    return Optional.of(f.length >= 7 ? f : java.util.Arrays.copyOf(f, 7));
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // unreadable: as if absent
        }
        return Optional.empty();
    }

    private static String quote(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
