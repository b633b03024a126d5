package scar.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The processes of one container, found through /proc, and a way to kill them all.
 *
 * <p>proot ignores SIGTERM, and killing proot alone leaves the container's processes running
 * untraced. A process group is not enough either: a container process may call setsid(), and a
 * daemon that double-forks is re-parented to init. So membership is a closure from the root:
 * a process belongs if its parent belongs, if it is ptraced by a member (proot keeps tracing
 * orphans re-parented to init), or if it is in the root's process group or session, when the
 * root was started as the leader of its own session.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");

    private final long rootPid;
    private final boolean rootLeadsSession;

    /**
     * @param rootLeadsSession whether the root was started under setsid (its pid is then its
     *        group's and session's id). Only then may group and session make a process a member:
     *        otherwise a group or session named by a recycled pid equal to the root's belongs to
     *        someone else, and killing it would kill processes that are not the container's.
     */
    ProcessTree(long rootPid, boolean rootLeadsSession) {
        this.rootPid = rootPid;
        this.rootLeadsSession = rootLeadsSession;
    }

    /** Live (non-zombie) members, the root included if alive. */
    Set<Long> members() {
        return members(snapshot());
    }

    Set<Long> members(List<ProcInfo> all) {
        Set<Long> members = new HashSet<>();
        members.add(rootPid);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ProcInfo p : all) {
                if (!members.contains(p.pid) && p.belongsTo(members, rootPid, rootLeadsSession)) {
                    members.add(p.pid);
                    grew = true;
                }
            }
        }
        // In pid order, so parents (older, lower pids as a rule) die before their children: a shell
        // killed after its child would first print "Killed" into the output.
        Set<Long> alive = new java.util.TreeSet<>();
        for (ProcInfo p : all) {
            if (members.contains(p.pid) && !p.zombie) {
                alive.add(p.pid);
            }
        }
        return alive;
    }

    /**
     * SIGKILLs every member, repeating until none is left, because a member may fork while
     * we look. When {@code keepRoot} is true the root (proot) is spared so that it can still
     * report how its tracees ended; it exits on its own once they are gone.
     */
    void killAll(boolean keepRoot) {
        boolean seenNoTracee = false;
        for (int round = 0; round < 100; round++) {
            Set<Long> members = members();
            // proot dies last, once no tracee is left: while it lives, a process a dying tracee
            // forked is still traced by it (TracerPid), so found, even outside the session
            boolean tracees = members.stream().anyMatch(pid -> pid != rootPid);
            if (!keepRoot && !tracees && !seenNoTracee && members.contains(rootPid)) {
                // One scan is not proof: pids wrap (pid_max is 32768 on small machines), and a child
                // forked at a recycled pid below where the scan had got to, by a parent killed before
                // the scan reached it, is missed. It is still alive and traced at the next scan.
                seenNoTracee = true;
                continue;
            }
            seenNoTracee = seenNoTracee && !tracees;
            if (keepRoot || (tracees && round < 50)) {
                members.remove(rootPid);
            }
            if (members.isEmpty()) {
                return;
            }
            // Tracees first: while proot lives, TracerPid still ties re-parented orphans to it.
            members.stream().filter(pid -> pid != rootPid).forEach(ProcessTree::kill);
            if (members.contains(rootPid)) {
                kill(rootPid);
            }
            if (round > 0) {
                sleepQuietly(round < 10 ? 2 : 20);
            }
        }
    }

    /** The direct children of {@code pid}; null when it is gone or the kernel does not say. */
    static List<Long> children(long pid) {
        List<Long> result = new ArrayList<>();
        try {
            String text = Files.readString(PROC.resolve(pid + "/task/" + pid + "/children"));
            for (String word : text.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    result.add(Long.parseLong(word));
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // gone, or a kernel without CONFIG_PROC_CHILDREN
        }
        return result;
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static List<ProcInfo> snapshot() {
        List<ProcInfo> result = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                ProcInfo.read(dir).ifPresent(result::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return result;
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The fields of {@code /proc/PID/stat} from the third (state) on: {@code [0]} is field 3,
     * {@code [19]} field 22 (start time). comm (field 2) may contain spaces and parentheses, so
     * the fields resume after the last ')'.
     */
    static String[] statFields(Path procDir) throws IOException {
        String stat = Files.readString(procDir.resolve("stat"), StandardCharsets.ISO_8859_1);
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    /** One line of /proc/PID/stat and the tracer from /proc/PID/status. */
    record ProcInfo(long pid, long ppid, long pgrp, long session, long tracer, boolean zombie) {
        boolean belongsTo(Set<Long> members, long root, boolean rootLeadsSession) {
            return members.contains(ppid) || members.contains(tracer)
                    || rootLeadsSession && (pgrp == root || session == root);
        }

        static Optional<ProcInfo> read(Path dir) {
            try {
                long pid = Long.parseLong(dir.getFileName().toString());
                String[] f = statFields(dir);
                boolean zombie = f[0].equals("Z") || f[0].equals("X");
                long tracer = 0;
                for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("TracerPid:")) {
                        tracer = Long.parseLong(line.substring("TracerPid:".length()).trim());
                        break;
                    }
                }
                return Optional.of(new ProcInfo(pid, Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), tracer, zombie));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // exited while we looked
            }
        }
    }
}
