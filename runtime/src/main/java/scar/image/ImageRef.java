package scar.image;

/**
 * A parsed image reference: {@code [registry/]repository[:tag][@sha256:...]}.
 *
 * <p>Follows Docker's rules: a first path component with a '.' or ':' or equal to
 * "localhost" names a registry; otherwise the image lives on Docker Hub, where
 * single-name repositories are official images under {@code library/}.
 */
public record ImageRef(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "registry-1.docker.io";

    /** Parses a user-typed reference; throws {@link ImageException} with a one-line reason. */
    public static ImageRef parse(String text) {
        throw new UnsupportedOperationException("implemented by the image package");
    }

    /** The reference as a user would type it, shortest form (e.g. {@code grycap/cowsay:latest}). */
    public String display() {
        throw new UnsupportedOperationException("implemented by the image package");
    }
}
