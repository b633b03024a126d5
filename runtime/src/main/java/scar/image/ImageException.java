package scar.image;

/** A problem with an image the user can understand and act on; the message is one line. */
public class ImageException extends RuntimeException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
