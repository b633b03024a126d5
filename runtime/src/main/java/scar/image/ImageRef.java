package scar.image;

import java.util.regex.Pattern;

/**
 * A parsed image reference: {@code [registry/]repository[:tag][@sha256:...]}.
 *
 * <p>Follows Docker's rules: a first path component with a '.' or ':' or equal to
 * "localhost" names a registry; otherwise the image lives on Docker Hub, where
 * single-name repositories are official images under {@code library/}.
 *
 * <p>{@code tag} is null only when the user gave a digest without a tag; {@code digest}
 * is null unless the user pinned one. When both are present the digest wins.
 */
public record ImageRef(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "registry-1.docker.io";
    public static final String DEFAULT_TAG = "latest";

    // Caps from the distribution spec: a name (registry + path) is at most 255 characters,
    // a tag 128. The overall cap keeps hostile input from costing regex time.
    private static final int MAX_NAME = 255;
    private static final int MAX_INPUT = 512;

    // distribution/reference grammar (path components are lowercase only)
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public ImageRef {
        if (registry == null || repository == null) {
            throw new IllegalArgumentException("registry and repository are required");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
    }

    /** Parses a user-typed reference; throws {@link ImageException} with a one-line reason. */
    public static ImageRef parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new ImageException("invalid image reference '': it is empty; give a name such as grycap/cowsay");
        }
        if (text.length() > MAX_INPUT) {
            throw invalid(text, "it is longer than " + MAX_INPUT + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw invalid(text, "it contains a space or a non-printable or non-ASCII character");
            }
        }

        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digests.isValid(digest)) {
                throw invalid(text, "the digest must be sha256: followed by 64 lowercase hex digits");
            }
        }

        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, tag.isEmpty() ? "the tag after ':' is empty"
                        : "the tag may only contain letters, digits, '_', '.' and '-', must not start with '.' or '-', "
                        + "and is at most 128 characters");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }

        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            // Docker's rule, including the uppercase case: hostnames are case-insensitive, repositories are not
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                registry = validateRegistry(text, first);
                path = rest.substring(slash + 1);
            }
        }
        if (registry.equals("docker.io") || registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (path.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw invalid(text, "the repository name has an empty path component");
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                String why = !component.equals(component.toLowerCase())
                        ? "the repository name must be lowercase"
                        : "repository name component '" + component + "' may only contain a-z, 0-9 and single '.', '_' "
                        + "or '-' separators between them";
                throw invalid(text, why);
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        int nameLength = (registry.equals(DOCKER_HUB) ? 0 : registry.length() + 1) + path.length();
        if (nameLength > MAX_NAME) {
            throw invalid(text, "the name is longer than " + MAX_NAME + " characters");
        }
        return new ImageRef(registry, path, tag, digest);
    }

    private static String validateRegistry(String text, String host) {
        String name = host;
        String port = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || !IPV6.matcher(host.substring(0, close + 1)).matches()) {
                throw invalid(text, "registry '" + host + "' is not a valid IPv6 address");
            }
            name = host.substring(0, close + 1);
            String after = host.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(text, "registry '" + host + "' is not host[:port]");
                }
                port = after.substring(1);
            }
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                name = host.substring(0, colon);
                port = host.substring(colon + 1);
            }
            for (String label : name.split("\\.", -1)) {
                if (!HOST_LABEL.matcher(label).matches()) {
                    throw invalid(text, "registry host '" + name + "' is not a valid host name");
                }
            }
        }
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
            throw invalid(text, "registry port '" + port + "' must be a number from 1 to 65535");
        }
        return name.toLowerCase() + (port == null ? "" : ":" + port);
    }

    private static ImageException invalid(String text, String why) {
        return new ImageException("invalid image reference '" + Messages.quote(text) + "': " + why);
    }

    /** The reference as a user would type it, shortest form (e.g. {@code grycap/cowsay:latest}). */
    public String display() {
        StringBuilder sb = new StringBuilder();
        if (isDockerHub()) {
            sb.append(repository.startsWith("library/") ? repository.substring("library/".length()) : repository);
        } else {
            sb.append(registry).append('/').append(repository);
        }
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    /** The full name Docker shows for this image, e.g. {@code docker.io/library/ubuntu:latest}. */
    public String canonical() {
        String host = isDockerHub() ? "docker.io" : registry;
        return host + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    public boolean isDockerHub() {
        return registry.equals(DOCKER_HUB);
    }

    /** What to ask the registry's manifest endpoint for: the digest if pinned, else the tag. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    /** The host name of the registry, without port or IPv6 brackets. */
    public String registryHost() {
        if (registry.startsWith("[")) {
            return registry.substring(1, registry.indexOf(']'));
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    @Override
    public String toString() {
        return display();
    }
}
