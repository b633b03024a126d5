package scar.image;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and password (or token) for one registry. {@link #toString()} never shows the
 * password, so a credential that ends up in a message or log reveals nothing.
 *
 * @param source where it came from, for messages, e.g. {@code ~/.docker/config.json}
 */
public record RegistryCredential(String username, String password, String source) {
    public RegistryCredential {
        if (username == null || password == null) {
            throw new IllegalArgumentException("a registry credential needs a user name and a password");
        }
        source = source == null ? "" : source;
    }

    /** The value of an HTTP {@code Authorization: Basic} header. */
    String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=***, source=" + source + "]";
    }
}
