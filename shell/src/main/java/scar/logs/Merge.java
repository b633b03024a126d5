package scar.logs;

import java.util.ArrayList;
import java.util.List;

/** Merges streams into one timeline, keeping each stream's own order (its write order). */
final class Merge {
    private Merge() {
    }

    /**
     * Each list is one stream in the order it was written. Within a stream, timestamps of
     * concurrent writers can be a millisecond out of order; the write order is the truth there,
     * so streams are merged by the time of their next line and never re-sorted inside.
     */
    static List<LogEvent> byTime(List<List<LogEvent>> streams) {
        if (streams.size() == 1) {
            return streams.get(0);
        }
        List<LogEvent> merged = new ArrayList<>();
        int[] next = new int[streams.size()];
        while (true) {
            int pick = -1;
            for (int s = 0; s < streams.size(); s++) {
                if (next[s] < streams.get(s).size() && (pick < 0
                        || streams.get(s).get(next[s]).timestamp() < streams.get(pick).get(next[pick]).timestamp())) {
                    pick = s;
                }
            }
            if (pick < 0) {
                return merged;
            }
            merged.add(streams.get(pick).get(next[pick]++));
        }
    }
}
