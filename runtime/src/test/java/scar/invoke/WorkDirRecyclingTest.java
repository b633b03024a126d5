package scar.invoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's script and staged input are written over files earlier runs left (none of their bytes left behind), never into anything else. */
class WorkDirRecyclingTest {
    @TempDir
    Path root;

    private static Object inode(Path file) throws Exception {
        return Files.getAttribute(file, "unix:ino");
    }

    @Test
    void aLaterRunWritesItsScriptAndInputIntoTheFilesAnEarlierRunLeftWithNoTraceOfTheirContent() throws Exception {
        Object scriptInode;
        Object inputInode;
        try (WorkDir first = WorkDir.create(root, "first", true)) {
            scriptInode = inode(first.write("script.sh", "echo a long first script that must not survive\n"));
            try (OutputStream out = first.newFile("input/photo.jpg")) {
                out.write("first run's private input".getBytes(StandardCharsets.UTF_8));
            }
            inputInode = inode(first.path().resolve("input/photo.jpg"));
        }
        try (var pooled = Files.list(root.resolve(WorkDir.RECYCLED))) {
            assertThat(pooled).hasSize(2);
        }

        try (WorkDir second = WorkDir.create(root, "second", true)) {
            Path script = second.write("script.sh", "echo b\n");
            try (OutputStream out = second.newFile("input/data.txt")) {
                out.write("x".getBytes(StandardCharsets.UTF_8));
            }
            Path input = second.path().resolve("input/data.txt");
            assertThat(script).hasContent("echo b");
            assertThat(input).hasContent("x");
            assertThat(java.util.Set.of(inode(script), inode(input))).containsExactlyInAnyOrder(scriptInode, inputInode);
            assertThat(Files.getPosixFilePermissions(script)).isEqualTo(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            try (var names = Files.list(second.path())) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("output", "input", "script.sh");
            }
        }
    }

    @Test
    void aFileTheContainerLinkedElsewhereIsDeletedNotEmptied() throws Exception {
        Path imageFile = Files.writeString(root.resolve("image-file"), "part of the image");
        try (WorkDir run = WorkDir.create(root, "linker", true)) {
            // what a container can do to its script: make the name another link to an image file
            Files.delete(run.write("script.sh", "echo\n"));
            Files.createLink(run.path().resolve("script.sh"), imageFile);
            Files.createSymbolicLink(run.path().resolve("input/link"), imageFile);
            Files.createDirectory(run.path().resolve("somedir"));
        }
        assertThat(imageFile).hasContent("part of the image");
        assertThat(Files.getAttribute(imageFile, "unix:nlink")).isEqualTo(1);
        assertThat(root.resolve(WorkDir.RECYCLED)).satisfiesAnyOf(
                pool -> assertThat(pool).doesNotExist(),
                pool -> assertThat(pool).isEmptyDirectory());
    }

    @Test
    void thePoolStopsGrowingAtItsCap() throws Exception {
        for (int i = 0; i < 40; i++) {
            try (WorkDir run = WorkDir.create(root, "r" + i, true)) {
                // files made by the container, not taken from the pool
                Files.writeString(run.path().resolve("a" + i), "a");
                Files.writeString(run.path().resolve("input/b" + i), "b");
                Files.writeString(run.path().resolve("c" + i), "c");
            }
        }
        try (var pooled = Files.list(root.resolve(WorkDir.RECYCLED))) {
            assertThat(pooled.count()).isEqualTo(32);
        }
    }

    @Test
    void aRunStoppedByAnInterruptIsStillCleanedUpAndTheInterruptKept() throws Exception {
        WorkDir run = WorkDir.create(root, "stopped", true);
        run.write("script.sh", "sleep 100\n");
        Files.writeString(run.path().resolve("input/data.txt"), "x");
        Thread.currentThread().interrupt(); // Ctrl-C while the run was going
        try {
            run.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(root.resolve("stopped")).doesNotExist();
        try (var pooled = Files.list(root.resolve(WorkDir.RECYCLED))) {
            assertThat(pooled).hasSize(2);
        }
    }
}
