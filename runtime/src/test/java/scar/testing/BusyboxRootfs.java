package scar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A small real root filesystem: Debian's static busybox with its applets linked in,
 * {@code /usr/bin/env}, and a cowsay-like {@code /usr/games/cowsay} script.
 * Tests build images and containers from it.
 */
public final class BusyboxRootfs {
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private static final List<String> APPLETS = List.of(
            "sh", "echo", "cat", "ls", "sleep", "true", "false", "env", "printf", "id", "pwd", "mkdir",
            "rm", "cp", "mv", "wc", "head", "tail", "seq", "tr", "sed", "grep", "touch", "kill", "ps",
            "date", "uname", "ln", "gzip", "gunzip", "zcat", "test", "[", "expr", "yes", "dd", "sha256sum", "basename", "dirname", "tee");

    /** The cowsay stand-in: prints its arguments (or "Moo") in a speech bubble above a cow. */
    public static final String COWSAY = """
            #!/bin/sh
            msg="${*:-Moo}"
            n=$(printf '%s' "$msg" | wc -c)
            line=$(printf '%*s' $((n + 2)) '' | tr ' ' '-')
            echo " $line"
            echo "< $msg >"
            echo " $line"
            echo '        \\   ^__^'
            echo '         \\  (oo)\\_______'
            echo '            (__)\\       )\\/\\'
            echo '                ||----w |'
            echo '                ||     ||'
            """;

    private BusyboxRootfs() {
    }

    /** Fills {@code root} (created if missing) and returns it. */
    public static Path create(Path root) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("/bin/busybox is missing: install Debian's busybox-static (scripts/test does)");
        }
        try {
            for (String dir : List.of("bin", "usr/bin", "usr/games", "tmp", "etc", "root", "dev", "proc")) {
                Files.createDirectories(root.resolve(dir));
            }
            Files.copy(BUSYBOX, root.resolve("bin/busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            Files.createSymbolicLink(root.resolve("usr/bin/env"), Path.of("../../bin/busybox"));
            Path cowsay = root.resolve("usr/games/cowsay");
            Files.writeString(cowsay, COWSAY);
            Files.setPosixFilePermissions(cowsay, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
