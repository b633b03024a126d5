package scar.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Anybody who can reach the socket runs commands as its owner: where it lives is checked, not assumed. */
class DaemonAddressTest {
    @TempDir
    Path home;

    @Test
    void theFolderIsMadeForItsUserAlone() throws Exception {
        DaemonAddress address = DaemonAddress.of(Map.of("XDG_RUNTIME_DIR", home.toString()), jar(), "/jdk").orElseThrow();

        assertThat(address.folder()).isEqualTo(home.resolve("scar"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(address.folder()))).isEqualTo("rwx------");
    }

    @Test
    void aFolderOthersCanEnterIsNotUsed() throws Exception {
        Files.createDirectory(home.resolve("scar"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(home.resolve("scar"), PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(DaemonAddress.of(Map.of("XDG_RUNTIME_DIR", home.toString()), jar(), "/jdk")).isEmpty();
    }

    @Test
    void aLinkInPlaceOfTheFolderIsNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(home.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(home.resolve("scar"), elsewhere);

        assertThat(DaemonAddress.of(Map.of("XDG_RUNTIME_DIR", home.toString()), jar(), "/jdk")).isEmpty();
    }

    @Test
    void aSocketPathTooLongForTheKernelMeansNoBackgroundScar() throws Exception {
        Path deep = Files.createDirectories(home.resolve("x".repeat(60)).resolve("y".repeat(60)));

        assertThat(DaemonAddress.of(Map.of("XDG_RUNTIME_DIR", deep.toString()), jar(), "/jdk")).isEmpty();
    }

    @Test
    void callersWithOtherAwsVariablesOrAnotherBuildGetAnotherBackgroundScarButNotForScarsOwnVariables() throws Exception {
        String jar = jar();
        Map<String, String> environment = new HashMap<>(Map.of("HOME", "/home/u", "PATH", "/bin"));
        String key = DaemonAddress.key(environment, jar, "/jdk");

        Map<String, String> otherConfig = new HashMap<>(environment);
        otherConfig.put("SCAR_CONFIG_FOLDER", "/elsewhere"); // travels with each request
        Map<String, String> otherProfile = new HashMap<>(environment);
        otherProfile.put("AWS_PROFILE", "prod"); // read by the AWS SDK from the process itself
        String sameKey = DaemonAddress.key(otherConfig, jar, "/jdk");
        String profileKey = DaemonAddress.key(otherProfile, jar, "/jdk");
        String otherJvm = DaemonAddress.key(environment, jar, "/other-jdk");
        Files.setLastModifiedTime(Path.of(jar), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        String rebuilt = DaemonAddress.key(environment, jar, "/jdk");

        assertThat(sameKey).isEqualTo(key);
        assertThat(profileKey).isNotEqualTo(key);
        assertThat(otherJvm).isNotEqualTo(key);
        assertThat(rebuilt).isNotEqualTo(key);
    }

    private String jar() throws Exception {
        Path jar = home.resolve("scar-shell.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "a jar");
        }
        return jar.toString();
    }
}
