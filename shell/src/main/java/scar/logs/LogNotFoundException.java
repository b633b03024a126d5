package scar.logs;

import scar.target.TargetException;

/** A stream or request the user named is not in the logs; the message says where to look. */
public class LogNotFoundException extends TargetException {
    public LogNotFoundException(String message) {
        super(message);
    }
}
