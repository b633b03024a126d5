package scar.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the background scar that fits a caller listens. One per user, scar build, JVM and the
 * variables the process itself reads (the AWS SDK's, PATH for proot, HOME, the locale): a caller
 * with other values gets a background scar of its own. Everything else a command depends on
 * (SCAR_* variables, the working directory) travels with each request.
 *
 * <p>The folder is the user's alone (0700, owned by them, not a link): anybody who can reach the
 * socket can run commands as its owner.
 */
public record DaemonAddress(Path folder, String key) {
    /** Variables read from the process's own environment rather than from a session's. */
    private static final Set<String> PROCESS_VARIABLES = Set.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE",
            "TZ", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** A Unix socket's path must fit sun_path (108 bytes, with its terminating zero). */
    private static final int MAX_SOCKET_PATH = 100;

    public Path socket() {
        return folder.resolve(key + ".sock");
    }

    /** Held by the running background scar for its whole life: two starting at once run one. */
    public Path lock() {
        return folder.resolve(key + ".lock");
    }

    /** What the background scar itself prints (a crash, a JVM warning): never a command's output. */
    public Path log() {
        return folder.resolve(key + ".log");
    }

    /** The address for a caller with {@code environment} of the scar build and JVM running here. */
    public static Optional<DaemonAddress> forThisJvm(Map<String, String> environment) {
        return of(environment, System.getProperty("java.class.path"), System.getProperty("java.home"));
    }

    /**
     * The address for a caller with {@code environment}, running the scar build on
     * {@code classPath} in the JVM at {@code javaHome}; empty when no private folder can be had
     * (then scar runs the command in its own process).
     */
    public static Optional<DaemonAddress> of(Map<String, String> environment, String classPath, String javaHome) {
        try {
            Path folder = privateFolder(environment);
            if (folder == null) {
                return Optional.empty();
            }
            DaemonAddress address = new DaemonAddress(folder, key(environment, classPath, javaHome));
            return address.socket().toString().length() > MAX_SOCKET_PATH ? Optional.empty() : Optional.of(address);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static String key(Map<String, String> environment, String classPath, String javaHome) throws IOException {
        StringBuilder identity = new StringBuilder(javaHome).append('\0');
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            // a rebuilt scar is another scar: its jar is written anew
            identity.append(jar.toAbsolutePath()).append('\0').append(Files.size(jar)).append('\0')
                    .append(Files.getLastModifiedTime(jar).toMillis()).append('\0');
        }
        // loops, not lambdas, here and in the rest of the client: its first lambda would cost it the
        // set-up of method handles, ~20 ms of a command that takes ~100
        Map<String, String> variables = new TreeMap<>();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (PROCESS_VARIABLES.contains(variable.getKey()) || variable.getKey().startsWith("AWS_")) {
                variables.put(variable.getKey(), variable.getValue());
            }
        }
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            identity.append(variable.getKey()).append('=').append(variable.getValue()).append('\0');
        }
        return Long.toHexString(fnv1a64(identity));
    }

    /** A 64-bit FNV-1a hash: a name, not a secret, and no security provider to load at start-up. */
    private static long fnv1a64(CharSequence text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** $XDG_RUNTIME_DIR/scar, else /tmp/scar-UID; null when it exists but is not safely the user's. */
    private static Path privateFolder(Map<String, String> environment) throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String runtime = environment.get("XDG_RUNTIME_DIR");
        Path folder = runtime != null && runtime.startsWith("/")
                ? Path.of(runtime, "scar")
                : Path.of(System.getProperty("java.io.tmpdir"), "scar-" + uid);
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by another scar just now: checked below like any other
            }
        }
        return isPrivate(folder, uid) ? folder : null;
    }

    static boolean isPrivate(Path folder, int uid) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attributes.isDirectory() && !attributes.isSymbolicLink()
                && (Integer) Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
                && OWNER_ONLY.containsAll(attributes.permissions());
    }
}
