package scar.image;

import java.util.Optional;

/** Finds the credential for a registry ({@code host} or {@code host:port}, as in {@link ImageRef#registry()}). */
@FunctionalInterface
public interface RegistryCredentials {
    Optional<RegistryCredential> find(String registry);

    /** Anonymous pulls only. */
    static RegistryCredentials none() {
        return registry -> Optional.empty();
    }

    /** This source first, then {@code other}. */
    default RegistryCredentials orElse(RegistryCredentials other) {
        return registry -> {
            Optional<RegistryCredential> mine = find(registry);
            return mine.isPresent() ? mine : other.find(registry);
        };
    }

    /**
     * The forms a registry is written in by users and by {@code docker login}, reduced to
     * {@code host[:port]}: {@code https://ghcr.io/v1/} is {@code ghcr.io}; Docker Hub's names
     * ({@code docker.io}, {@code index.docker.io}, {@code https://index.docker.io/v1/}) are all
     * {@link ImageRef#DOCKER_HUB}.
     */
    static String normalize(String registry) {
        String r = registry.strip();
        int scheme = r.indexOf("://");
        if (scheme >= 0) {
            r = r.substring(scheme + 3);
        }
        int slash = r.indexOf('/');
        if (slash >= 0) {
            r = r.substring(0, slash);
        }
        r = r.toLowerCase(java.util.Locale.ROOT);
        if (r.equals("docker.io") || r.equals("index.docker.io") || r.equals("registry.hub.docker.com")) {
            return ImageRef.DOCKER_HUB;
        }
        return r;
    }
}
