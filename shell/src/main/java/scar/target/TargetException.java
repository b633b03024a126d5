package scar.target;

/** A request a target cannot carry out, for a reason the user can fix; the message is one line. */
public class TargetException extends RuntimeException {
    public TargetException(String message) {
        super(message);
    }
}
