package scar.logs;

import java.util.List;

/**
 * A target's logs, to read and to follow. The local target reads its log store; the aws target
 * reads CloudWatch Logs. Events come oldest first, each exactly once.
 */
public interface LogSource {
    /**
     * The lines {@code query} asks for, oldest first.
     *
     * @throws LogNotFoundException if the query names a stream or request that is not there
     */
    List<LogEvent> read(LogQuery query);

    /**
     * Delivers lines as they are written, in batches, until {@code listener} returns false or the
     * thread is interrupted (Ctrl-C). Lines written before the call are delivered first when the
     * query has {@code since} or a request id; otherwise only new lines are.
     */
    void follow(LogQuery query, Listener listener) throws InterruptedException;

    /**
     * Request ids of the latest invocations, newest first, for TAB completion of {@code log -ri}.
     *
     * @param function one function, or null for all
     */
    default List<String> recentRequestIds(String function, int limit) {
        return List.of();
    }

    /** Receives followed lines; returns false to stop following. */
    interface Listener {
        boolean onEvents(List<LogEvent> events);
    }
}
