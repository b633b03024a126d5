package scar.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import scar.config.ConfigException;
import scar.testing.SharedRegistry;

/** The runtime's keys in scar.cfg: image_max_mb caps the unpacked image, executor picks proot, bwrap or chroot. */
class RuntimeSettingsTest extends CommandTestBase {
    @RegisterExtension
    static final SharedRegistry REGISTRY = new SharedRegistry();
    static String image;

    @BeforeAll
    static void pushImage() throws IOException {
        image = REGISTRY.images().push(REGISTRY.registry(), "sized:1");
    }

    private void setting(String line) throws IOException {
        scar("ls"); // writes the default scar.cfg
        String cfg = Files.readString(home.resolve("scar.cfg")).replaceAll("(?m)^(image_max_mb|cache_max_mb|proot_no_seccomp).*\n", "")
                .replace("[scar]\n", "[scar]\n" + line + "\n");
        Files.writeString(home.resolve("scar.cfg"), cfg, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Test
    void anImageLargerThanImageMaxMbIsRefusedNamingTheLimitAndTheSetting() throws IOException {
        setting("image_max_mb = 1");
        scar("init", "-n", "big", image)
                .failsWithOneClearLine("is too big: it unpacks to more than 1 MiB, the limit; raise image_max_mb in scar.cfg to use it");
        assertThat(home.resolve("cache/images")).satisfies(d -> assertThat(!Files.exists(d) || Files.list(d).findAny().isEmpty()).isTrue());

        setting("image_max_mb = 64");
        assertThat(scar("init", "-n", "big", image).exitCode()).isZero();
    }

    @Test
    void aLimitThatIsNotASizeIsAClearError() throws IOException {
        setting("image_max_mb = lots");
        assertThatThrownBy(() -> scar("ls")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("image_max_mb = 'lots' is not a size in MB; use a whole number from 1 to 1048576");
    }

    @Test
    void anImageThatCannotFitInCacheMaxMbIsRefusedNamingTheSetting() throws IOException {
        setting("cache_max_mb = 1");
        scar("init", "-n", "big", image).failsWithOneClearLine("raise cache_max_mb in scar.cfg to use it");
        assertThat(home.resolve("cache/images")).satisfies(d -> assertThat(!Files.exists(d) || Files.list(d).findAny().isEmpty()).isTrue());

        setting("cache_max_mb = 64");
        assertThat(scar("init", "-n", "big", image).exitCode()).isZero();
        Outcome run = scar("run", "big", "/bin/true");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        // the run was recorded for least-recently-used eviction
        try (var images = Files.list(home.resolve("cache/images"))) {
            assertThat(images.findFirst().orElseThrow().resolve("last-used")).exists();
        }
    }

    @Test
    void aCacheCapThatIsNotASizeIsAClearError() throws IOException {
        setting("cache_max_mb = -5");
        assertThatThrownBy(() -> scar("ls")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("cache_max_mb = '-5' is not a size in MB; use a whole number from 1 to 1048576");
    }

    @Test
    void executorBwrapRunsFunctionsWithBubblewrap() throws IOException {
        setting("executor = bwrap");
        assertThat(scar("init", "-n", "cow", image).exitCode()).isZero();
        Outcome run = scar("run", "cow", "/bin/sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // its own PID namespace: the shell is pid 2 under bwrap's init, and few processes are visible
        assertThat(run.out()).startsWith("2\n");
    }

    @Test
    void executorChrootRunsFunctionsInTheirOwnPidNamespaceAsRoot() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        setting("executor = chroot");
        assertThat(scar("init", "-n", "cow", image).exitCode()).isZero();
        Outcome run = scar("run", "cow", "/bin/sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'; kill -9 $$");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(137);
        // its own PID namespace: only the namespace's init, the shell, ls and grep are there
        assertThat(run.out()).matches("[0-9]+\n[1-4]\n");
    }

    @Test
    void prootNoSeccompRunsContainersWithSeccompModeOffAndKeepsTheVariableFromThem() throws IOException {
        setting("proot_no_seccomp = true");
        assertThat(scar("init", "-n", "cow", image).exitCode()).isZero();
        // the static busybox that hides PROOT_NO_SECCOMP is there only in that mode
        Outcome run = scar("run", "cow", "/bin/sh", "-c", "env; test -e /.scar/busybox && echo seccomp off");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("seccomp off\n").doesNotContain("PROOT_NO_SECCOMP");

        setting("proot_no_seccomp = false");
        run = scar("run", "cow", "/bin/sh", "-c", "env; test -e /.scar/busybox && echo seccomp off");
        assertThat(run.out()).doesNotContain("seccomp off").doesNotContain("PROOT_NO_SECCOMP");
    }

    @Test
    void aProotNoSeccompThatIsNotTrueOrFalseIsAClearError() throws IOException {
        setting("proot_no_seccomp = ye\u001bs");
        assertThatThrownBy(() -> scar("ls")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("proot_no_seccomp = 'ye?s' is not true or false; use true or false");
    }

    @Test
    void anUnknownExecutorIsAClearError() throws IOException {
        setting("executor = docker");
        assertThatThrownBy(() -> scar("ls")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("executor = 'docker' is not an executor; use proot, bwrap or chroot");
    }
}
