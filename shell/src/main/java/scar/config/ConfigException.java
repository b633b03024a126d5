package scar.config;

/** scar.cfg cannot be used; the message names the file, line and key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
