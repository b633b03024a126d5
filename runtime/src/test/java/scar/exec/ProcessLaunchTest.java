package scar.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessLaunchTest {
    /** A fresh JVM, since the JDK reads the mechanism once: processes still start, and with vfork. */
    @Test
    void aJvmThatPrefersVforkStillStartsProcessesAndAnExplicitChoiceIsKept() throws Exception {
        assertThat(run()).isEqualTo(Runtime.version().feature() <= 21 ? "VFORK hello" : "null hello");
        assertThat(run("-D" + ProcessLaunch.PROPERTY + "=FORK")).isEqualTo("FORK hello");
    }

    private static String run(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    static final class Child {
        public static void main(String[] args) throws Exception {
            ProcessLaunch.preferVfork();
            Process echo = new ProcessBuilder("/bin/echo", "hello").start();
            String said = new String(echo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            echo.waitFor();
            System.out.println(System.getProperty(ProcessLaunch.PROPERTY) + " " + said);
        }
    }
}
