package scar.invoke;

/** A request that cannot be run as given; the message is one line saying what to change. */
public class InvocationException extends RuntimeException {
    public InvocationException(String message) {
        super(message);
    }

    public InvocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
