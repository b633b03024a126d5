package scar.exec;

import org.junit.jupiter.api.Test;
import scar.exec.ProcessTree.ProcInfo;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who dies with a container. A recycled pid cannot be produced on demand, so these cases use
 * snapshots of /proc written out by hand; the kill itself is tested with real processes in
 * ProotExecutorTest.
 */
class ProcessTreeTest {
    private static final long PROOT = 4000;
    private static final long SHELL_OF_THE_HOST = 1200;

    /** proot, its tracee that double-forked into its own session, and a stranger. */
    private static List<ProcInfo> snapshot(long strangersGroup, long prootGroup, long prootSession) {
        return List.of(
                new ProcInfo(PROOT, SHELL_OF_THE_HOST, prootGroup, prootSession, 0, false),
                new ProcInfo(4001, PROOT, prootGroup, prootSession, PROOT, false),
                new ProcInfo(4005, 1, 4005, 4005, PROOT, false), // daemonised, still traced by proot
                new ProcInfo(7000, SHELL_OF_THE_HOST, strangersGroup, strangersGroup, 0, false));
    }

    @Test
    void aStrangerWhoseGroupHasTheRecycledPidOfProotIsSparedWhenProotLeadsNoGroup() {
        // proot started without setsid: it sits in the JVM's group 1200; group 4000 is someone else's
        var tree = new ProcessTree(PROOT, false);

        assertThat(tree.members(snapshot(PROOT, 1200, 1200))).containsExactly(4000L, 4001L, 4005L);
    }

    @Test
    void aProcessLeftInProotsOwnSessionIsAMemberWhenProotLeadsIt() {
        // started under setsid; 7000's parent is gone and it is no tracee, but it is in proot's session
        var tree = new ProcessTree(PROOT, true);

        assertThat(tree.members(snapshot(PROOT, PROOT, PROOT))).containsExactly(4000L, 4001L, 4005L, 7000L);
    }

    @Test
    void zombiesAreNotKilledAgain() {
        var tree = new ProcessTree(PROOT, false);
        var all = List.of(new ProcInfo(PROOT, 1, 1, 1, 0, false), new ProcInfo(4002, PROOT, 1, 1, PROOT, true));

        assertThat(tree.members(all)).containsExactly(PROOT);
    }
}
