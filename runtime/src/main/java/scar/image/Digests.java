package scar.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests as registries write them: {@code sha256:<64 lowercase hex>}. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    /** True for a well-formed sha256 digest; only those are ever used to build file names or URLs. */
    public static boolean isValid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** The hex part of a valid digest. */
    public static String hex(String digest) {
        if (!isValid(digest)) {
            throw new ImageException("invalid digest '" + Messages.quote(digest) + "': expected sha256: and 64 hex digits");
        }
        return digest.substring("sha256:".length());
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public static String of(MessageDigest finished) {
        return "sha256:" + HexFormat.of().formatHex(finished.digest());
    }

    public static String sha256(byte[] bytes) {
        MessageDigest md = newSha256();
        md.update(bytes);
        return of(md);
    }
}
