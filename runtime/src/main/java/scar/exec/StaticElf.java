package scar.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a statically linked host executable from a dynamic one. A host binary bound into a
 * container runs against the container's /lib, so only a static one is safe to bind there.
 */
final class StaticElf {
    private static final int PT_INTERP = 3;
    private static final int MAX_HEADERS = 256;

    private StaticElf() {
    }

    /** True for a 64-bit little-endian ELF executable without a program interpreter (and no ':' in its path: proot splits bindings there). */
    static boolean isStatic(Path file) {
        if (file.toString().contains(":")) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.read(header, 0) < 64 || header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
                return false;
            }
            long phoff = header.getLong(0x20);
            int phentsize = Short.toUnsignedInt(header.getShort(0x36));
            int phnum = Short.toUnsignedInt(header.getShort(0x38));
            if (phoff <= 0 || phentsize < 4 || phnum == 0 || phnum > MAX_HEADERS) {
                return false;
            }
            ByteBuffer type = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                type.clear();
                if (ch.read(type, phoff + (long) i * phentsize) < 4) {
                    return false;
                }
                if (type.getInt(0) == PT_INTERP) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
