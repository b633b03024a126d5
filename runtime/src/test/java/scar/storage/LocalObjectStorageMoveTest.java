package scar.storage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** A finished run's outputs go into the bucket by a link, never taking an image's file along. */
class LocalObjectStorageMoveTest {
    @TempDir
    Path home;
    LocalObjectStorage storage;

    @BeforeEach
    void bucket() {
        storage = new LocalObjectStorage(home.resolve("buckets"));
        storage.createBucket("bkt");
    }

    @Test
    void anOutputIsMovedIntoTheBucketWithAnObjectsModeAndLeavesTheRunsFolder() throws Exception {
        Path output = Files.writeString(home.resolve("result.txt"), "result");
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwx---rwx"));
        Object inode = Files.getAttribute(output, "unix:ino");

        assertThat(storage.moveIfAbsent("bkt", "output/deep/result.txt", output)).isTrue();

        Path object = storage.bucketPath("bkt").resolve("output/deep/result.txt");
        assertThat(object).hasContent("result");
        assertThat(Files.getAttribute(object, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getPosixFilePermissions(object)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(output).doesNotExist();
    }

    @Test
    void anOutputLinkedToAnotherFileIsCopiedSoThatFileNeverBecomesAnObject() throws Exception {
        Path imageFile = Files.writeString(home.resolve("image-busybox"), "part of the image");
        Path output = home.resolve("busybox");
        Files.createLink(output, imageFile);

        assertThat(storage.moveIfAbsent("bkt", "output/busybox", output)).isTrue();

        Path object = storage.bucketPath("bkt").resolve("output/busybox");
        assertThat(object).hasContent("part of the image");
        assertThat(Files.getAttribute(object, "unix:ino")).isNotEqualTo(Files.getAttribute(imageFile, "unix:ino"));
        Files.writeString(object, "changed in the bucket");
        assertThat(imageFile).hasContent("part of the image");
    }

    @Test
    void aTakenKeyIsLeftAloneAndTheOutputKeptForTheCallerToPutAside() throws Exception {
        storage.put("bkt", "output/a.txt", Files.writeString(home.resolve("first"), "first"));
        Path output = Files.writeString(home.resolve("a.txt"), "second");

        assertThat(storage.moveIfAbsent("bkt", "output/a.txt", output)).isFalse();

        assertThat(storage.bucketPath("bkt").resolve("output/a.txt")).hasContent("first");
        assertThat(output).hasContent("second");
    }

    @Test
    void aKeyThroughAnObjectIsRefusedWithOneLine() throws Exception {
        storage.put("bkt", "output/file", Files.writeString(home.resolve("f"), "x"));
        Path output = Files.writeString(home.resolve("o"), "y");

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> storage.moveIfAbsent("bkt", "output/file/o", output)))
                .isInstanceOf(StorageException.class).hasMessageContaining("output/file is an object, not a folder");
        assertThat(output).hasContent("y");
    }
}
