package scar.batch;

/**
 * One line of a function's ledger: what happened to one version of one input object.
 *
 * @param event     {@code started}, {@code succeeded}, {@code failed} or {@code interrupted}
 * @param version   the object's size and time ({@link scar.storage.ObjectInfo#version()}): a new
 *                  upload under the same key is a new input
 * @param owner     the process that ran it ({@code pid@start-millis}), to tell a run in progress
 *                  elsewhere from one that a killed shell left behind
 * @param error     the first error line of a failed run, or null
 */
public record LedgerEntry(String event, String key, String version, String requestId, String owner, String error,
                          long time) {
    public static final String STARTED = "started";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

    boolean finished() {
        return event.equals(SUCCEEDED) || event.equals(FAILED);
    }
}
