package scar.storage;

/** A bucket or object request that cannot be carried out; the message is one line saying what to change. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
