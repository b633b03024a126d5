package scar.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

/**
 * The credentials {@code docker login} stores: the {@code auths} of {@code config.json} in
 * {@code $DOCKER_CONFIG} or {@code ~/.docker}, each {@code auth} being base64 of {@code user:pass}
 * (or {@code username}/{@code password} fields). Credential helpers ({@code credsStore}) are
 * external programs and are not run; their entries have no {@code auth} and are skipped.
 */
public final class DockerConfigCredentials {
    private DockerConfigCredentials() {
    }

    /** The file Docker reads: {@code $DOCKER_CONFIG/config.json}, else {@code HOME/.docker/config.json}. */
    public static Path file(Map<String, String> env, Path home) {
        String dir = env.get("DOCKER_CONFIG");
        return dir != null && !dir.isBlank() ? Path.of(dir).resolve("config.json") : home.resolve(".docker/config.json");
    }

    /**
     * Reads {@code file}; a missing file means no credentials. A damaged file is an error naming
     * the file, never its content.
     */
    public static RegistryCredentials load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return RegistryCredentials.none();
        } catch (IOException e) {
            throw new ImageException("cannot read the registry credentials in " + file + ": " + RegistryClient.describe(e));
        }
        JsonNode root;
        try {
            root = SharedMapper.get().readTree(bytes);
        } catch (IOException e) {
            throw new ImageException(file + " is not valid JSON; fix it or run docker login again");
        }
        Map<String, RegistryCredential> byRegistry = new HashMap<>();
        JsonNode auths = root == null ? null : root.path("auths");
        if (auths != null && auths.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                credential(e.getValue(), file).ifPresent(c -> byRegistry.put(RegistryCredentials.normalize(e.getKey()), c));
            }
        }
        Map<String, RegistryCredential> found = Map.copyOf(byRegistry);
        return registry -> Optional.ofNullable(found.get(RegistryCredentials.normalize(registry)));
    }

    private static Optional<RegistryCredential> credential(JsonNode entry, Path file) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ImageException("an \"auth\" entry in " + file + " is not base64 of user:password; run docker login again");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new ImageException("an \"auth\" entry in " + file + " is not base64 of user:password; run docker login again");
            }
            return Optional.of(new RegistryCredential(decoded.substring(0, colon), decoded.substring(colon + 1), file.toString()));
        }
        String user = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if (!user.isEmpty() && !password.isEmpty()) {
            return Optional.of(new RegistryCredential(user, password, file.toString()));
        }
        return Optional.empty();
    }
}
