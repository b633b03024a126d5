package scar.image;

import java.nio.file.Path;

/**
 * An image ready to run: unpacked in the cache.
 *
 * @param id       the config digest ({@code sha256:...}), Docker's IMAGE ID
 * @param source   what the user asked for (a reference or an archive file name)
 * @param config   how to run it
 * @param rootfs   the unpacked root filesystem; never written to by containers' owners
 */
public record Image(String id, String source, ImageConfig config, Path rootfs) {
}
