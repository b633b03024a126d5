package scar.batch;

/** Told whenever a batch's counts change; a terminal shows it as one self-updating line. */
public interface Progress {
    Progress NONE = counts -> { };

    void update(Counts counts);

    /** @param queued waiting for a free slot */
    record Counts(int total, int succeeded, int failed, int running, int queued) {
        public int done() {
            return succeeded + failed;
        }
    }
}
