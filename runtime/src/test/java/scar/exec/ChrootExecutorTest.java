package scar.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import scar.testing.BusyboxRootfs;

/** The chroot executor (needs root, as on this test machine); the cases it shares with bwrap are in the base. */
class ChrootExecutorTest extends NamespaceExecutorTestBase {
    @Override
    ContainerExecutor newExecutor() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        return new ChrootExecutor();
    }

    @Override
    String sleepTag() {
        return "542";
    }

    @Test
    void anImageSymlinkOnTheWayToABindTargetIsRefusedAndNothingIsMadeOnTheHost() throws IOException {
        Path evil = BusyboxRootfs.create(dir.resolve("evil"));
        Path hostSide = Files.createDirectories(dir.resolve("host-side"));
        if (Files.isDirectory(evil.resolve("tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(evil.resolve("tmp"));
        }
        Files.createSymbolicLink(evil.resolve("tmp"), hostSide);
        Path work = Files.createDirectories(dir.resolve("work2"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> newExecutor().run(new ContainerSpec(evil,
                        List.of("/bin/true"), ENV, "/", Map.of(work, "/tmp/req"), Duration.ofSeconds(30), "0:0"), line -> { }))
                .hasMessageContaining("cannot be mounted safely with executor chroot");
        assertThat(hostSide).isEmptyDirectory();
    }
}
