package scar.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.exec.ProotExecutor;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageException;
import scar.image.ImageRef;
import scar.image.ImageStore;
import scar.testing.BusyboxRootfs;

class SupervisorTest {
    @TempDir
    static Path shared;
    static Path rootfs;

    @TempDir
    Path workRoot;

    private final ProotExecutor executor = new ProotExecutor();

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
    }

    /** The cache of an image store, without the image package: one image, by id or by archive. */
    static final class FakeImages implements ImageStore {
        final Image image;
        final List<String> calls = new ArrayList<>();

        FakeImages(ImageConfig config) {
            this.image = new Image("sha256:feed", "test/busybox:latest", config, rootfs);
        }

        @Override
        public Image pull(ImageRef ref) {
            calls.add("pull");
            throw new ImageException("no registry in this test");
        }

        @Override
        public Image load(Path archive) {
            calls.add("load " + archive.getFileName());
            return image;
        }

        @Override
        public Optional<Image> find(String imageId) {
            calls.add("find " + imageId);
            return image.id().equals(imageId) ? Optional.of(image) : Optional.empty();
        }
    }

    private static ImageConfig config(List<String> entrypoint, List<String> cmd) {
        return new ImageConfig(entrypoint, cmd, List.of("FROM_IMAGE=image", "SHARED=image"), "", "");
    }

    private static FunctionSpec function(String initScript, Map<String, String> env) {
        return new FunctionSpec("cow", "test/busybox", "sha256:feed", 512, 300, 10, null, env, initScript);
    }

    private InvocationResult invoke(ImageConfig config, FunctionSpec fn, InvocationRequest req) {
        return new Supervisor(new FakeImages(config), executor, workRoot).invoke(fn, req, line -> { });
    }

    private InvocationResult invoke(ImageConfig config, String initScript, String script, List<String> args) {
        return invoke(config, function(initScript, Map.of()), new InvocationRequest("req-1", script, args, Map.of()));
    }

    private static final ImageConfig COWSAY = config(List.of("/usr/games/cowsay"), List.of("Moo from CMD"));

    @Test
    void runsTheImagesEntrypointWithItsCmdWhenNothingElseIsGiven() {
        InvocationResult result = invoke(COWSAY, null, null, List.of());
        assertThat(result.output()).contains("< Moo from CMD >").contains("(oo)");
        assertThat(result.exitCode()).isZero();
        assertThat(result.requestId()).isEqualTo("req-1");
    }

    @Test
    void argumentsReplaceCmdButKeepTheEntrypoint() {
        InvocationResult result = invoke(COWSAY, null, null, List.of("hello", "args"));
        assertThat(result.output()).contains("< hello args >").doesNotContain("CMD");
    }

    @Test
    void runScriptWinsOverArgumentsAndInitScript() {
        InvocationResult result = invoke(COWSAY, "echo init", "echo run script", List.of("args"));
        assertThat(result.output()).isEqualTo("run script\n");
    }

    @Test
    void argumentsWinOverTheInitScript() {
        InvocationResult result = invoke(COWSAY, "echo init", null, List.of("from", "args"));
        assertThat(result.output()).contains("< from args >").doesNotContain("init");
    }

    @Test
    void initScriptWinsOverTheImagesCommand() {
        InvocationResult result = invoke(COWSAY, "echo init script; exit 3", null, List.of());
        assertThat(result.output()).isEqualTo("init script\n");
        assertThat(result.exitCode()).isEqualTo(3);
    }

    @Test
    void anEmptyStringEntrypointMeansNoEntrypoint() {
        ImageConfig config = config(List.of(""), List.of("/bin/echo", "cmd alone"));
        assertThat(invoke(config, null, null, List.of()).output()).isEqualTo("cmd alone\n");
        assertThat(invoke(config, null, null, List.of("/bin/echo", "args alone")).output()).isEqualTo("args alone\n");
    }

    @Test
    void anImageWithNothingToRunIsAClearError() {
        assertThatThrownBy(() -> invoke(config(List.of(), List.of()), null, null, List.of()))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("test/busybox:latest").hasMessageContaining("no ENTRYPOINT or CMD");
        assertThat(workRoot.resolve("req-1")).doesNotExist();
    }

    @Test
    void containerSeesOnlyDefaultsImageFunctionAndRequestVariablesLaterWinning() {
        FunctionSpec fn = function(null, Map.of("SHARED", "function", "FN_ONLY", "f", "REQUEST_ID", "spoofed"));
        // env run directly, not from a script: a shell would add SHLVL of its own.
        InvocationRequest req = new InvocationRequest("req-env", null, List.of("/usr/bin/env"),
                Map.of("SHARED", "request", "HOME", "/home/me"));
        InvocationResult result = invoke(config(List.of(), List.of("/bin/true")), fn, req);

        Set<String> keys = new TreeSet<>();
        result.output().lines().forEach(l -> keys.add(l.substring(0, l.indexOf('='))));
        assertThat(keys).containsExactlyInAnyOrder("PATH", "HOME", "FROM_IMAGE", "SHARED", "FN_ONLY",
                "REQUEST_ID", "TMP_OUTPUT_DIR", "SCAR_OUTPUT_DIR", "PWD");
        assertThat(result.output().lines()).contains(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/home/me", "FROM_IMAGE=image", "SHARED=request", "FN_ONLY=f", "REQUEST_ID=req-env",
                "TMP_OUTPUT_DIR=/tmp/req-env/output", "SCAR_OUTPUT_DIR=/tmp/req-env/output", "PWD=/");
        assertThat(System.getenv()).containsKey("PATH");
        System.getenv().keySet().stream().filter(k -> !Set.of("PATH", "HOME", "PWD").contains(k))
                .forEach(hostKey -> assertThat(keys).doesNotContain(hostKey));
    }

    @Test
    void theContainersEnvironmentIsExactlyImageEnvUserVariablesAndScarsOwnWithPwdTheImagesWorkdir() {
        ImageConfig config = new ImageConfig(List.of(), List.of("/bin/true"), List.of("FROM_IMAGE=image", "PATH=/bin:/usr/bin"),
                "/tmp", "");
        InvocationRequest req = new InvocationRequest("req-pwd", null, List.of("/usr/bin/env"), Map.of("MINE", "-e value"));
        InvocationResult result = invoke(config, function(null, Map.of()), req);

        Map<String, String> seen = new java.util.TreeMap<>();
        result.output().lines().forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/bin:/usr/bin", "HOME", "/root",
                "FROM_IMAGE", "image", "MINE", "-e value", "REQUEST_ID", "req-pwd", "TMP_OUTPUT_DIR", "/tmp/req-pwd/output",
                "SCAR_OUTPUT_DIR", "/tmp/req-pwd/output", "PWD", "/tmp"));
    }

    @Test
    void writesToTheOutputDirectoryAndRemovesTheWorkDirectoryAfterwards() {
        InvocationResult result = invoke(COWSAY, null,
                "cd \"$TMP_OUTPUT_DIR\" && echo data > result.txt && pwd && cat result.txt && wc -c < /tmp/req-1/script.sh",
                List.of());
        assertThat(result.output()).isEqualTo("/tmp/req-1/output\ndata\n103\n");
        assertThat(result.exitCode()).isZero();
        assertThat(workRoot.resolve("req-1")).doesNotExist();
    }

    @Test
    void theNextRunSeesNothingThatAnEarlierRunLeftInItsWorkDirectory() {
        invoke(COWSAY, function(null, Map.of()), new InvocationRequest("req-a", "echo x > $TMP_OUTPUT_DIR/out; echo y > /tmp/req-a/mine; "
                + "mkdir -p $TMP_OUTPUT_DIR/d/e && chmod 000 $TMP_OUTPUT_DIR/d $TMP_OUTPUT_DIR", List.of(), Map.of()));
        InvocationResult next = invoke(COWSAY, function(null, Map.of()), new InvocationRequest("req-b",
                "ls -a /tmp/req-b /tmp/req-b/output; test -w /tmp/req-b/output && echo writable", List.of(), Map.of()));
        assertThat(next.output()).isEqualTo("/tmp/req-b:\n.\n..\noutput\nscript.sh\n\n/tmp/req-b/output:\n.\n..\nwritable\n");
        assertThat(workRoot.resolve("req-a")).doesNotExist();
        assertThat(workRoot.resolve("req-b")).doesNotExist();
    }

    @Test
    void removesTheWorkDirectoryEvenWhenTheContainerLockedItsFilesAway() {
        invoke(COWSAY, null, "mkdir -p $TMP_OUTPUT_DIR/locked/deep && touch $TMP_OUTPUT_DIR/locked/deep/f "
                + "&& ln -s / $TMP_OUTPUT_DIR/root && chmod 000 $TMP_OUTPUT_DIR/locked/deep $TMP_OUTPUT_DIR/locked", List.of());
        assertThat(workRoot.resolve("req-1")).doesNotExist();
        assertThat(rootfs.resolve("bin/busybox")).exists();
    }

    private static ImageConfig asUser(String user) {
        return new ImageConfig(List.of(), List.of(), List.of(), "", user);
    }

    @Test
    void runsAsTheImagesUserByNameWithItsPrimaryGroupAndHomeFromTheImagesPasswd() {
        InvocationResult result = invoke(asUser("nobody"), null, "id -u; id -g; echo \"$HOME\"", List.of());
        assertThat(result.output()).isEqualTo("65534\n65534\n/\n");
    }

    @Test
    void runsAsANumericUserAndGroupEvenWhenThePasswdDoesNotListThem() {
        assertThat(invoke(asUser("1000:100"), null, "id -u; id -g", List.of()).output()).isEqualTo("1000\n100\n");
        assertThat(invoke(asUser("1001"), null, "id -u; id -g", List.of()).output()).isEqualTo("1001\n0\n");
        assertThat(invoke(asUser("nobody:root"), null, "id -u; id -g", List.of()).output()).isEqualTo("65534\n0\n");
    }

    @Test
    void runsAsRootWhenTheImageNamesNoUser() {
        assertThat(invoke(asUser(""), null, "id -u; echo $HOME", List.of()).output()).isEqualTo("0\n/root\n");
    }

    @Test
    void aUserTheImageDoesNotKnowIsAClearError() {
        assertThatThrownBy(() -> invoke(asUser("ghost"), null, "id", List.of()))
                .isInstanceOf(ImageException.class)
                .hasMessage("image test/busybox:latest runs as user 'ghost', who is not in the image's /etc/passwd; "
                        + "the image is broken: fix its USER");
        assertThat(workRoot.resolve("req-1")).doesNotExist();
    }

    @Test
    void runsInTheImagesWorkingDirectory() {
        ImageConfig config = new ImageConfig(List.of(), List.of("/bin/pwd"), List.of(), "/tmp", "");
        assertThat(invoke(config, null, null, List.of()).output()).isEqualTo("/tmp\n");
    }

    @Test
    void rejectsARequestIdThatIsNotASafeName() {
        for (String bad : List.of("../etc", "a b", "a/b", "", "x".repeat(65), "req_1")) {
            assertThatThrownBy(() -> invoke(COWSAY, function(null, Map.of()), new InvocationRequest(bad, "true", List.of(), Map.of())))
                    .isInstanceOf(InvocationException.class).hasMessageContaining("invalid request id");
        }
        assertThat(workRoot).isEmptyDirectory();
    }

    @Test
    void rejectsAnEnvironmentVariableWithAnInvalidName() {
        assertThatThrownBy(() -> invoke(COWSAY, function(null, Map.of()),
                new InvocationRequest("req-1", "true", List.of(), Map.of("1BAD", "x"))))
                .isInstanceOf(InvocationException.class).hasMessageContaining("'1BAD'");
        assertThatThrownBy(() -> invoke(COWSAY, function(null, Map.of("A-B", "x")),
                new InvocationRequest("req-1", "true", List.of(), Map.of())))
                .isInstanceOf(InvocationException.class).hasMessageContaining("'A-B'");
    }

    @Test
    void killsTheContainerThresholdSecondsBeforeTheFunctionTimeout() {
        FunctionSpec fn = new FunctionSpec("slow", "test/busybox", "sha256:feed", 512, 3, 2, null, Map.of(), null);
        InvocationResult result = invoke(COWSAY, fn, new InvocationRequest("req-slow", "echo begin; sleep 30", List.of(), Map.of()));
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.output()).isEqualTo("begin\n");
        assertThat(result.durationMillis()).isBetween(900L, 2500L);
        assertThat(workRoot.resolve("req-slow")).doesNotExist();
    }

    @Test
    void loadsTheImageFromTheArchiveTheFunctionNamesWhenItIsNotCached() throws IOException {
        Path archive = Files.writeString(shared.resolve("busybox.tar"), "not read by the fake");
        FakeImages images = new FakeImages(COWSAY);
        FunctionSpec fn = new FunctionSpec("cow", archive.toString(), "sha256:gone", 512, 30, 5, null, Map.of(), null);
        InvocationResult result = new Supervisor(images, executor, workRoot)
                .invoke(fn, new InvocationRequest("req-1", null, List.of("loaded"), Map.of()), line -> { });
        assertThat(images.calls).containsExactly("find sha256:gone", "load busybox.tar");
        assertThat(result.output()).contains("< loaded >");
    }

    @Test
    void stagesAnInputFileWhereTheScriptIsToldToFindIt() throws IOException {
        Path input = Files.writeString(shared.resolve("photo.txt"), "pixels");
        InvocationResult result = invoke(COWSAY, function(null, Map.of()), new InvocationRequest("req-in",
                "echo $INPUT_FILE_PATH $SCAR_INPUT_FILE; cat $INPUT_FILE_PATH; echo", List.of(), Map.of(), input));
        assertThat(result.output()).isEqualTo("/tmp/req-in/input/photo.txt /tmp/req-in/input/photo.txt\npixels\n");
    }

    @Test
    void streamsLinesToTheCallerAsTheyAreWritten() {
        List<String> lines = new ArrayList<>();
        new Supervisor(new FakeImages(COWSAY), executor, workRoot).invoke(function(null, Map.of()),
                new InvocationRequest("req-1", "echo one; echo two >&2", List.of(), Map.of()), lines::add);
        assertThat(lines).containsExactly("one", "two");
    }
}
