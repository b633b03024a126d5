package scar.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.invoke.FunctionSpec;
import scar.testing.MotoServer;
import scar.testing.TestImages;
import scar.testing.TestRegistry;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layer zip as Lambda would see it: unpacked, then the handler run in its own JVM with only
 * the layer's jars on the class path, the layer's own proot (PATH has no proot), against a real
 * image in a real registry.
 */
class LambdaLayerIT {
    @TempDir
    static Path shared;
    static TestRegistry registry;
    static String image;
    static Path layer;
    static Path path;

    @BeforeAll
    static void setUp() throws IOException {
        layer = unzip(Path.of(System.getProperty("scar.layer.zip")), shared.resolve("opt"));
        registry = TestRegistry.start(shared.resolve("registry"));
        image = new TestImages(shared.resolve("images")).push(registry, "cowsay:1");
        // Only setsid: a proot found here instead of the bundle's would make the test pass for the wrong reason.
        path = Files.createDirectories(shared.resolve("bin"));
        if (Files.exists(Path.of("/usr/bin/setsid"))) {
            Files.createSymbolicLink(path.resolve("setsid"), Path.of("/usr/bin/setsid"));
        }
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void layerHoldsTheRuntimeJarsAndAProotBundle() {
        assertThat(layer.resolve("java/lib")).isDirectoryContaining("glob:**/scar-runtime-*.jar")
                .isDirectoryContaining("glob:**/aws-lambda-java-core-*.jar");
        for (String file : List.of("proot", "libtalloc.so.2", "libc.so.6", "ld-linux-x86-64.so.2")) {
            assertThat(layer.resolve("proot").resolve(file)).isExecutable();
        }
    }

    @Test
    void zstdInTheLayerCarriesOnlyLambdasTwoLinuxNatives() throws IOException {
        List<Path> jars;
        try (var files = Files.list(layer.resolve("java/lib"))) {
            jars = files.filter(p -> p.getFileName().toString().startsWith("zstd-jni-")).toList();
        }
        assertThat(jars).hasSize(1);
        List<String> natives = new ArrayList<>();
        try (ZipFile zip = ZipFile.builder().setPath(jars.get(0)).get()) {
            Collections.list(zip.getEntries()).stream().map(ZipArchiveEntry::getName)
                    .filter(name -> name.matches(".*\\.(so|dll|dylib)$")).forEach(natives::add);
            assertThat(zip.getEntry("com/github/luben/zstd/Zstd.class")).isNotNull();
        }
        assertThat(natives).extracting(name -> name.substring(0, name.lastIndexOf('/')))
                .containsExactlyInAnyOrder("linux/amd64", "linux/aarch64");
    }

    @Test
    void handlerFromTheUnpackedLayerPullsAnImageWithZstdLayers(@TempDir Path task) throws Exception {
        Path layout = new TestImages(shared.resolve("zstd-images"))
                .buildOci("1", TestImages.Spec.cowsay().withCmd("/usr/games/cowsay", "zstd"));
        String ref = registry.address() + "/zstd-layer:1";
        scar.testing.Tools.run(task, List.of(scar.testing.Tools.require("skopeo", "skopeo").toString(), "copy",
                "--quiet", "--dest-tls-verify=false", "--dest-compress-format", "zstd", "oci:" + layout + ":1",
                "docker://" + ref));
        writeTaskRoot(task, new FunctionSpec("layer-fn", ref, null, 128, 60, 5, "", Map.of(), null));

        JsonNode response = invoke(task, "{}");

        assertThat(response.path("LambdaOutput").path("Output").asText()).as(response.toString()).contains("< zstd >");
    }

    @Test
    void handlerFromTheUnpackedLayerRunsAScriptInTheImageAndReportsItsOutput(@TempDir Path task) throws Exception {
        writeTaskRoot(task, new FunctionSpec("layer-fn", image, null, 128, 60, 5, "", Map.of("GREETING", "hi"), null));
        JsonNode response = invoke(task, """
                {"request_id":"layer-1","script":"echo \\"$GREETING from $REQUEST_ID\\"; /usr/games/cowsay moo; exit 3","args":[],"environment":{}}""");
        JsonNode out = response.path("LambdaOutput");
        assertThat(out.path("RequestId").asText()).isEqualTo("layer-1");
        assertThat(out.path("ExitCode").asInt()).isEqualTo(3);
        assertThat(out.path("Output").asText()).contains("hi from layer-1").contains("< moo >");
        assertThat(out.path("LogGroup").asText()).isEqualTo("/aws/lambda/layer-fn");
    }

    @Test
    void handlerRunsTheImageCommandWhenTheEventIsEmptyAndArgumentsWhenGiven(@TempDir Path task) throws Exception {
        writeTaskRoot(task, new FunctionSpec("layer-fn", image, null, 128, 60, 5, "", Map.of(), null));
        assertThat(invoke(task, "{}").path("LambdaOutput").path("Output").asText()).contains("< Hello >");
        JsonNode withArgs = invoke(task, "{\"args\":[\"/bin/sh\",\"-c\",\"echo $A-$B\"],\"environment\":{\"A\":\"1\",\"B\":\"2\"}}");
        assertThat(withArgs.path("LambdaOutput").path("Output").asText()).isEqualTo("1-2\n");
    }

    @Test
    void theContainerGetsTheFunctionsCredentialsAndVariablesButNothingElseOfTheHost(@TempDir Path task) throws Exception {
        writeTaskRoot(task, new FunctionSpec("layer-fn", image, null, 128, 60, 5, "", Map.of("FROM_INIT", "1"), null));
        String output = invoke(task, "{\"script\":\"env | sort\",\"environment\":{\"FROM_RUN\":\"2\"}}",
                Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret-example",
                        "AWS_SESSION_TOKEN", "token-example", "AWS_REGION", "eu-west-1", "HOST_ONLY", "leak"))
                .path("LambdaOutput").path("Output").asText();
        assertThat(output).contains("AWS_ACCESS_KEY_ID=AKIDEXAMPLE\n", "AWS_SECRET_ACCESS_KEY=secret-example\n",
                "AWS_SESSION_TOKEN=token-example\n", "AWS_REGION=eu-west-1\n", "FROM_INIT=1\n", "FROM_RUN=2\n");
        assertThat(output).doesNotContain("HOST_ONLY", "LAMBDA_TASK_ROOT", "SCAR_TMP", "AWS_LAMBDA_FUNCTION_NAME");
    }

    @Test
    void handlerFromTheUnpackedLayerStagesAnS3ObjectAndUploadsTheOutput(@TempDir Path task) throws Exception {
        writeTaskRoot(task, new FunctionSpec("layer-fn", image, null, 128, 60, 5, "", Map.of(),
                "rev < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/reversed.txt\""));
        try (MotoServer moto = MotoServer.start(shared.resolve("moto"));
             S3Client s3 = moto.configure(S3Client.builder()).forcePathStyle(true).build()) {
            s3.createBucket(b -> b.bucket("layer-bucket"));
            s3.putObject(b -> b.bucket("layer-bucket").key("input/in.txt"), RequestBody.fromString("abc\n"));
            Map<String, String> env = new java.util.HashMap<>(MotoServer.CREDENTIALS);
            env.put("AWS_REGION", MotoServer.REGION);
            env.put("AWS_ENDPOINT_URL", moto.endpoint());

            JsonNode response = invoke(task, new String(S3EventTrigger.toJson("layer-bucket", "input/in.txt",
                    MotoServer.REGION), StandardCharsets.UTF_8), env);

            assertThat(response.path("LambdaOutput").path("ExitCode").asInt()).as(response.toString()).isZero();
            assertThat(s3.getObjectAsBytes(b -> b.bucket("layer-bucket").key("output/reversed.txt")).asUtf8String())
                    .isEqualTo("cba\n");
        }
    }

    @Test
    void handlerAnswersABadEventWithOneErrorLine(@TempDir Path task) throws Exception {
        writeTaskRoot(task, new FunctionSpec("layer-fn", image, null, 128, 60, 5, "", Map.of(), null));
        JsonNode response = invoke(task, "{\"args\":\"not a list\"}");
        assertThat(response.path("Error").asText()).isEqualTo("'args' in the event must be an array of strings");
    }

    private static void writeTaskRoot(Path task, FunctionSpec function) throws IOException {
        Path zip = task.resolve("code.zip");
        Files.write(zip, FunctionConfig.codeZip(function));
        unzip(zip, task);
    }

    private JsonNode invoke(Path task, String event) throws Exception {
        return invoke(task, event, Map.of());
    }

    /** @param lambdaEnvironment more variables of the function's process, as Lambda sets them */
    private JsonNode invoke(Path task, String event, Map<String, String> lambdaEnvironment) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", layer.resolve("java/lib") + "/*",
                "scar.lambda.HandlerMain", "60");
        pb.environment().clear();
        pb.environment().put("PATH", path.toString());
        pb.environment().put("LAMBDA_TASK_ROOT", task.toString());
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", "layer-fn");
        pb.environment().putAll(lambdaEnvironment);
        pb.environment().put("SCAR_TMP", Files.createDirectories(shared.resolve("tmp")).toString());
        Path log = task.resolve("handler.log");
        pb.redirectError(log.toFile());
        Process process = pb.start();
        process.getOutputStream().write(event.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("handler log: %s", Files.readString(log)).isZero();
        return new ObjectMapper().readTree(out);
    }

    /** Unpacks with the Unix modes the zip carries, as Lambda does. */
    static Path unzip(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(file.getEntries())) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as("entry %s stays inside", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                int mode = entry.getUnixMode();
                if (mode != 0) {
                    Files.setPosixFilePermissions(target, permissions(mode));
                }
            }
        }
        return into;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
