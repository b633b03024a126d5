package scar.image;

/** A content-addressed blob as a manifest names it; {@code digest} is always a valid sha256 digest. */
public record Descriptor(String mediaType, String digest, long size) {
}
