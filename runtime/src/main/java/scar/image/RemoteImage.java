package scar.image;

import java.util.List;

/**
 * An image as the registry describes it, before any layer is downloaded: the verified config
 * and the layers to fetch, in order (lowest first).
 */
public record RemoteImage(ImageRef ref, String manifestDigest, ParsedConfig config, List<Descriptor> layers) {
    public RemoteImage {
        layers = List.copyOf(layers);
    }

    /** Docker's IMAGE ID: the digest of the config blob. */
    public String id() {
        return config.digest();
    }
}
