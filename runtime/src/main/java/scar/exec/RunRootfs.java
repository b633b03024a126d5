package scar.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The root filesystem one run sees: its own tree of directories and symlinks, with the image's
 * regular files hardlinked in. A container that deletes, renames, replaces or creates files
 * changes only this tree, never the cached image that every run shares.
 *
 * <p>Why this design: proot cannot bind read-only and has no copy-on-write; a full copy of a
 * Debian image costs seconds; overlayfs needs root or user namespaces, which Lambda lacks. A
 * hardlink tree costs one {@code link()} per file and one {@code unlink()} afterwards, and
 * shares no data. What it cannot stop is a write <em>into</em> an existing file (same inode as
 * the image's) or a {@code chmod} of it. Those are detected when the run's tree is removed
 * (size, mtime or mode differ from what was linked) and reported by {@link #modifiedImageFiles()},
 * so the caller can discard the damaged image and rebuild it before the next run. proot is no
 * security boundary (a container can reach every file of the user running it), so this guards
 * against accidents — tools that edit config files, package managers — not against malice.
 */
public final class RunRootfs implements AutoCloseable {
    private record Linked(Path source, long size, FileTime mtime, Set<PosixFilePermission> mode) {
    }

    /**
     * What this process knows of the spare trees it left: the image files as they were and the
     * tree's directories as sealed, both checked unchanged when the spare was kept. A tree taken
     * with its baseline is neither walked again before the run nor re-sealed: for a
     * 6,700-entry image that walk was most of a warm invocation (~250 ms of ~400 ms on a loaded
     * 2-core machine). One per {@code Supervisor}; a spare another process left is walked as before.
     */
    public static final class Baselines {
        /** A spare removed behind our back (image evicted) leaves its entry: bounded, oldest dropped. */
        private static final int MAX_ENTRIES = 64;
        private final java.util.LinkedHashMap<String, Baseline> bySpare = new java.util.LinkedHashMap<>();

        synchronized void put(Path spare, Baseline baseline) {
            bySpare.put(spare.toString(), baseline);
            while (bySpare.size() > MAX_ENTRIES) {
                bySpare.remove(bySpare.keySet().iterator().next());
            }
        }

        synchronized Baseline take(Path spare) {
            return bySpare.remove(spare.toString());
        }
    }

    private record Baseline(List<Linked> linked, List<String> dirs, java.util.Map<String, DirState> sealed) {
    }

    private final Path dir;
    private record DirState(FileTime mtime, Set<PosixFilePermission> mode) {
        // Written out: compared for every directory of every run, and a record's own equals runs
        // through method handles, bootstrapped at the first call and slower than this without C2.
        @Override
        public boolean equals(Object other) {
            return other instanceof DirState state && mtime.equals(state.mtime) && mode.equals(state.mode);
        }

        @Override
        public int hashCode() {
            return mtime.hashCode() * 31 + mode.hashCode();
        }
    }

    private static final int MAX_SPARES = 2;
    /** Not a valid request id (those are letters, digits and '-'), so never a run's own mount point. */
    private static final String RUN_MOUNT_PLACEHOLDER = ".scar-run-mount";

    private final Path image;
    /** Names this image's spare trees: a digest of its path, made once per run rather than at each use. */
    private final String spareKey;
    /** Image files linked into this tree, as they were, to spot in-place changes. */
    private final List<Linked> linked;
    /** The tree's directories (relative), as sealed before the run: any entry added, removed or renamed changes one. */
    private final List<String> dirs = new ArrayList<>();
    private final java.util.Map<String, DirState> sealed = new java.util.HashMap<>();
    /** The bind target that differs per run (relative), made before the run and removed after. */
    private String runMountPoint;
    /** What {@link #modifiedImageFiles()} found, kept for {@link #close()}: one stat per image file, not two. */
    private List<String> modified;
    private boolean closed;
    /** Where a kept spare's baseline goes; null: not remembered. */
    private Baselines baselines;
    /** The directories as sealed came with the tree: only the run mount point's parent needs a new look. */
    private boolean sealedCarried;

    private RunRootfs(Path image, String spareKey, Path dir, List<Linked> linked) {
        this.image = image;
        this.spareKey = spareKey;
        this.dir = dir;
        this.linked = linked;
    }

    /**
     * Builds the tree {@code scratch/name} from {@code image}. {@code scratch} should be on the
     * same filesystem as the image (hardlinks cannot cross filesystems; files are then copied).
     */
    public static RunRootfs create(Path image, Path scratch, String name) {
        Path dir;
        try {
            Files.createDirectories(scratch);
            dir = Files.createDirectory(scratch.resolve(name));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("a run named " + name + " is already in progress: use a new request id");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's root filesystem under " + scratch + ": " + e.getMessage(), e);
        }
        List<Linked> linked = new ArrayList<>();
        RunRootfs run = new RunRootfs(image, spareKey(image), dir, linked);
        try {
            Files.walkFileTree(image, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path src, BasicFileAttributes attrs) throws IOException {
                    Path target = dir.resolve(image.relativize(src).toString());
                    if (!target.equals(dir)) {
                        Files.createDirectory(target);
                    }
                    run.dirs.add(image.relativize(src).toString());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path src, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    // after the children: a read-only directory must not stop its own filling
                    Path target = dir.resolve(image.relativize(src).toString());
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(src, LinkOption.NOFOLLOW_LINKS));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path src, BasicFileAttributes attrs) throws IOException {
                    String rel = image.relativize(src).toString();
                    Path target = dir.resolve(rel);
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Files.readSymbolicLink(src));
                    } else if (attrs.isRegularFile()) {
                        // the walk's attributes are basic ones only (no mode), so read the file's own
                        PosixFileAttributes p = Files.readAttributes(src, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        link(src, target);
                        linked.add(new Linked(src, p.size(), p.lastModifiedTime(), p.permissions()));
                    }
                    // the unpacker never stores devices, FIFOs or sockets
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            run.close();
            throw new UncheckedIOException("cannot prepare the root filesystem of this run from " + image + ": "
                    + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
        }
        return run;
    }

    /**
     * Like {@link #create}, but first takes a spare tree that an earlier run of the same image
     * left unchanged (see {@link #close()}): one rename instead of a link per file. A spare is
     * taken by an atomic rename, so two runs, even in two processes, never share one.
     */
    public static RunRootfs acquire(Path image, Path scratch, String name) {
        return acquire(image, scratch, name, null);
    }

    /**
     * Like {@link #acquire(Path, Path, String)}, remembering the baseline of a spare this run
     * leaves in {@code baselines}, and taking the one of the spare it reuses from there instead
     * of walking the image again.
     */
    public static RunRootfs acquire(Path image, Path scratch, String name, Baselines baselines) {
        RunRootfs run = take(image, scratch, name, baselines);
        run.baselines = baselines;
        return run;
    }

    private static RunRootfs take(Path image, Path scratch, String name, Baselines baselines) {
        String key = spareKey(image);
        try (var spares = Files.newDirectoryStream(scratch, sparesOf(key))) {
            for (Path spare : spares) {
                Path dir = scratch.resolve(name);
                try {
                    Files.move(spare, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    continue; // another run took it
                }
                Baseline known = baselines == null ? null : baselines.take(spare);
                if (known != null) {
                    RunRootfs run = new RunRootfs(image, key, dir, known.linked());
                    run.dirs.addAll(known.dirs());
                    run.sealed.putAll(known.sealed());
                    run.sealedCarried = true;
                    return run;
                }
                RunRootfs run = new RunRootfs(image, key, dir, new ArrayList<>());
                try {
                    run.baseline();
                    return run;
                } catch (IOException | RuntimeException e) {
                    run.delete();
                }
            }
        } catch (IOException e) {
            // no scratch directory yet, or unreadable: build a new tree
        }
        return create(image, scratch, name);
    }

    /** The image's files and directories as they are now: what a reused tree must still match. */
    private void baseline() throws IOException {
        Files.walkFileTree(image, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path src, BasicFileAttributes attrs) {
                dirs.add(image.relativize(src).toString());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path src, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    PosixFileAttributes p = Files.readAttributes(src, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    linked.add(new Linked(src, p.size(), p.lastModifiedTime(), p.permissions()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Makes the mount point of this run's own directory (e.g. {@code /tmp/REQUEST_ID}); proot
     * would otherwise make it in the tree itself. It is removed again before the tree is judged
     * for reuse, and its parent is then compared by its listing rather than its mtime.
     */
    public void addRunMountPoint(String containerPath) {
        Path target = inside(containerPath);
        // File.exists, not Files.exists: the JDK makes and throws an exception inside for a missing
        // path, the usual case here, once per run. A dangling link in its place makes the rename or
        // mkdir below fail, which leaves the mount point to proot, as before.
        if (target == null || !noLinkAbove(target) || target.toFile().exists()) {
            return;
        }
        try {
            Path placeholder = target.resolveSibling(RUN_MOUNT_PLACEHOLDER);
            if (Files.isDirectory(placeholder, LinkOption.NOFOLLOW_LINKS)) {
                // a reused tree keeps the last run's mount point under this name: renaming it costs
                // ~30 us where mkdir + rmdir cost 0.3-6 ms on ext4 mounted with discard
                Files.move(placeholder, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.createDirectories(target);
            }
            runMountPoint = dir.relativize(target).toString();
        } catch (IOException e) {
            // proot makes it then; the tree is just not reused
        }
    }

    /**
     * Records the state of the tree's directories just before the run (after mount points were
     * added), so that {@link #close()} can tell whether the run left the tree as the image is,
     * and keep it for the next run.
     */
    public void seal() {
        if (sealedCarried && sealed.size() == dirs.size()) {
            // checked unchanged when the spare was kept, and no run has had it since; only the
            // rename of the run's mount point into place changed a directory: its parent
            String parent = runMountPoint == null ? null
                    : java.util.Objects.toString(Path.of(runMountPoint).getParent(), "");
            if (parent == null || !sealed.containsKey(parent)) {
                return;
            }
            java.util.Optional<DirState> now = dirState(parent);
            if (now.isPresent()) {
                sealed.put(parent, now.get());
                return;
            }
        }
        sealed.clear();
        for (String rel : dirs) {
            dirState(rel).ifPresent(state -> sealed.put(rel, state));
        }
    }

    private java.util.Optional<DirState> dirState(String rel) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir.resolve(rel), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isDirectory() ? java.util.Optional.of(new DirState(a.lastModifiedTime(), a.permissions()))
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private boolean unchanged() {
        if (sealed.isEmpty() || sealed.size() != dirs.size()) {
            return false;
        }
        String mountParent = null;
        if (runMountPoint != null) {
            Path mountPoint = dir.resolve(runMountPoint);
            try (var left = Files.newDirectoryStream(mountPoint)) {
                if (left.iterator().hasNext()) {
                    return false; // the run left something in it
                }
                // kept for the next run under a name no run uses, and not counted as the tree's own
                Files.move(mountPoint, mountPoint.resolveSibling(RUN_MOUNT_PLACEHOLDER), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                return false;
            }
            Path parent = Path.of(runMountPoint).getParent();
            mountParent = parent == null ? "" : parent.toString();
            java.util.Set<String> names = names(dir.resolve(mountParent));
            names.remove(RUN_MOUNT_PLACEHOLDER);
            if (!names.equals(names(image.resolve(mountParent)))) {
                return false;
            }
        }
        for (var e : sealed.entrySet()) {
            if (e.getKey().equals(mountParent)) {
                java.util.Optional<DirState> now = dirState(e.getKey());
                if (now.isEmpty() || !now.get().mode().equals(e.getValue().mode())) {
                    return false;
                }
                continue;
            }
            if (!dirState(e.getKey()).equals(java.util.Optional.of(e.getValue()))) {
                return false;
            }
        }
        return (modified != null ? modified : modifiedImageFiles()).isEmpty();
    }

    private static java.util.Set<String> names(Path directory) {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (var entries = Files.newDirectoryStream(directory)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            names.add("\0unreadable");
        }
        return names;
    }

    /** The spare trees of the image with this key: a prefix test, not a glob, which the JDK compiles into a regex on every listing. */
    private static java.nio.file.DirectoryStream.Filter<Path> sparesOf(String key) {
        String prefix = "spare-" + key + "-";
        return p -> p.getFileName().toString().startsWith(prefix);
    }

    private static String spareKey(Path image) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(image.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void link(Path src, Path target) throws IOException {
        try {
            Files.createLink(target, src);
        } catch (IOException | UnsupportedOperationException e) {
            // another filesystem, or one without hardlinks: a copy is slower but just as private
            Files.copy(src, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Creates what is missing of these bind targets (absolute container paths) in this run's
     * tree: empty directories, and empty files for {@code files}. proot otherwise builds a
     * "glue" tree in /tmp for each missing target on every run, which costs 1–3 ms each. Paths
     * through a symlink of the image are left alone: proot resolves those itself.
     */
    public void addMountPoints(java.util.Collection<String> dirs, java.util.Collection<String> files) {
        if (sealedCarried) {
            return; // made for an earlier run of this tree, which left the tree as it was
        }
        try {
            for (String d : dirs) {
                Path target = inside(d);
                if (target != null && !Files.exists(target, LinkOption.NOFOLLOW_LINKS) && noLinkAbove(target)) {
                    Files.createDirectories(target);
                }
            }
            for (String f : files) {
                Path target = inside(f);
                if (target != null && !Files.exists(target, LinkOption.NOFOLLOW_LINKS) && noLinkAbove(target)
                        && Files.isDirectory(target.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createFile(target);
                }
            }
        } catch (IOException e) {
            // only an optimisation: proot copes with missing targets
        }
    }

    private Path inside(String containerPath) {
        Path target = dir.resolve(containerPath.replaceFirst("^/+", "")).normalize();
        return target.startsWith(dir) && !target.equals(dir) ? target : null;
    }

    private boolean noLinkAbove(Path target) {
        for (Path p = target.getParent(); p != null && p.startsWith(dir) && !p.equals(dir); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                return false;
            }
        }
        return true;
    }

    /** The directory to run the container in. */
    public Path path() {
        return dir;
    }

    /**
     * Image files (container paths) changed in place since this tree was made, so the cached image
     * no longer matches what was pulled. Checks the image itself, so a write through another link
     * of the same file, or to a file the run then deleted, is seen too.
     */
    public List<String> modifiedImageFiles() {
        List<String> modified = new ArrayList<>();
        for (Linked file : linked) {
            try {
                PosixFileAttributes now = Files.readAttributes(file.source(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (now.size() != file.size() || !now.lastModifiedTime().equals(file.mtime())
                        || !now.permissions().equals(file.mode())) {
                    modified.add("/" + image.relativize(file.source()));
                }
            } catch (IOException e) {
                modified.add("/" + image.relativize(file.source())); // gone from the image: damaged all the same
            }
        }
        this.modified = List.copyOf(modified);
        return this.modified;
    }

    /**
     * Keeps the tree as a spare for the next run of the image if the run left it exactly as
     * sealed (no entry added, removed, renamed or re-moded in any directory, no image file
     * changed) and there are few spares; otherwise removes it, never following symlinks the
     * container planted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (unchanged() && spares() < MAX_SPARES) {
            Path spare = dir.resolveSibling("spare-" + spareKey + "-" + Long.toHexString(System.nanoTime())
                    + Long.toHexString(Thread.currentThread().getId()));
            try {
                Files.move(dir, spare, StandardCopyOption.ATOMIC_MOVE);
                if (baselines != null) {
                    baselines.put(spare, new Baseline(List.copyOf(linked), List.copyOf(dirs), java.util.Map.copyOf(sealed)));
                }
                return;
            } catch (IOException e) {
                // fall through: remove it
            }
        }
        delete();
    }

    private long spares() {
        try (var spares = Files.newDirectoryStream(dir.getParent(), sparesOf(spareKey))) {
            long n = 0;
            for (Path ignored : spares) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return MAX_SPARES;
        }
    }

    private void delete() {
        try {
            delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the run's root filesystem " + dir + ": " + e.getMessage(), e);
        }
    }

    private void delete(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            // the container may have made a directory unreadable; the tree is ours, so undo that first
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            List<Path> children = new ArrayList<>();
            try (var stream = Files.newDirectoryStream(p)) {
                stream.forEach(children::add);
            }
            for (Path child : children) {
                delete(child);
            }
        }
        Files.deleteIfExists(p);
    }
}
