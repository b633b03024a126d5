package scar.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongFunction;

/**
 * How proot's tracees ended, as proot reports them ({@code -v 1}), and which one was the
 * container's main process.
 *
 * <p>Why: proot's own exit status is that of the <em>last</em> tracee to end, not of the main
 * process ({@code sh -c 'sleep 2 & exit 3'} makes proot exit 0 after 2 s), and a main process
 * killed by a signal makes proot exit 255. Docker reports the main process's status, with
 * 128+N for signal N, so we take it from proot's per-tracee report instead.
 *
 * <p>The main process is proot's only direct child. While it lives, /proc shows it; once it
 * is reaped it is the earliest tracee forked, i.e. the nearest pid after proot's own in pid
 * allocation order (pids are handed out cyclically).
 */
final class TraceeExits {
    private final long prootPid;
    private final LongFunction<List<Long>> childrenOf;
    private final Map<Long, Integer> codes = new LinkedHashMap<>();
    private Long mainPid;

    /** @param childrenOf the live direct children of a pid (from /proc), or null when /proc cannot tell */
    TraceeExits(long prootPid, LongFunction<List<Long>> childrenOf) {
        this.prootPid = prootPid;
        this.childrenOf = childrenOf;
    }

    /**
     * Records that {@code pid} ended with the given Docker-style code.
     * @return true when this shows that the main process has ended
     */
    synchronized boolean ended(long pid, int code) {
        codes.put(pid, code);
        if (mainPid == null) {
            List<Long> children = childrenOf.apply(prootPid);
            if (children == null) {
                return false; // cannot tell: let proot wait for every tracee, as it does anyway
            }
            if (!children.isEmpty()) {
                mainPid = children.get(0);
                return false;
            }
            // proot's only child is gone: the main process has ended, whichever line it was.
            return true;
        }
        return pid == mainPid;
    }

    synchronized boolean any() {
        return !codes.isEmpty();
    }

    /** The main process's code, or empty when proot never reported a tracee ending. */
    synchronized OptionalInt mainCode() {
        if (mainPid != null && codes.containsKey(mainPid)) {
            return OptionalInt.of(codes.get(mainPid));
        }
        Long best = null;
        for (Long pid : codes.keySet()) {
            if (best == null || distance(pid) < distance(best)) {
                best = pid;
            }
        }
        return best == null ? OptionalInt.empty() : OptionalInt.of(codes.get(best));
    }

    synchronized OptionalInt codeOf(long pid) {
        Integer code = codes.get(pid);
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    private long distance(long pid) {
        long d = pid - prootPid;
        return d > 0 ? d : d + (1L << 32);
    }
}
