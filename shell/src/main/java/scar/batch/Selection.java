package scar.batch;

/** Which inputs of a bucket a batch runs. */
public enum Selection {
    /** Never run, or left unfinished by a stopped or killed shell. */
    PENDING,
    /** Those whose last run failed (or timed out). */
    RETRY_FAILED
}
