package scar.invoke;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import scar.exec.ContainerExecutor;
import scar.exec.ContainerSpec;
import scar.exec.ExecResult;
import scar.exec.RunRootfs;
import scar.image.Image;
import scar.image.ImageConfig;
import scar.image.ImageException;
import scar.image.ImageRef;
import scar.image.ImageStore;

/**
 * Runs one invocation of a function: finds its image, prepares {@code /tmp/$REQUEST_ID},
 * decides what runs and with which environment, runs the container, cleans up.
 * The same class serves the local target and the Lambda handler.
 */
public final class Supervisor {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Map<String, String> DEFAULT_ENV = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME", "/root");

    private final ImageStore images;
    private final ContainerExecutor executor;
    private final Path workRoot;

    /** @param workRoot where each invocation's {@code <requestId>/} directory is made (Lambda: /tmp) */
    public Supervisor(ImageStore images, ContainerExecutor executor, Path workRoot) {
        this.images = images;
        this.executor = executor;
        this.workRoot = workRoot;
    }

    public InvocationResult invoke(FunctionSpec fn, InvocationRequest req, Consumer<String> lines) {
        String rid = req.requestId();
        if (rid == null || !REQUEST_ID.matcher(rid).matches()) {
            throw new InvocationException("invalid request id '" + rid + "': use 1-64 letters, digits or '-'");
        }
        validateKeys(fn.environment(), "function " + fn.name());
        validateKeys(req.environment(), "request " + rid);
        Image image = image(fn);
        ImageUser user = ImageUser.resolve(image.rootfs(), image.config().user(), image.source());
        String tmp = "/tmp/" + rid;
        try (WorkDir work = WorkDir.create(workRoot, rid);
             RunRootfs root = RunRootfs.acquire(image.rootfs(), images.runsDir(image), rid)) {
            Map<String, String> env = environment(image.config(), fn, req, tmp);
            if (user.home().isPresent() && !imageSets(image.config(), "HOME")) {
                // Docker takes HOME from passwd unless the image or the user set it
                if (!fn.environment().containsKey("HOME") && !req.environment().containsKey("HOME")) {
                    env.put("HOME", user.home().get());
                }
            }
            if (req.inputFile() != null) {
                env.putAll(stageInput(work, req.inputFile(), tmp));
            }
            List<String> argv = command(image, fn, req, work, tmp);
            String workingDir = image.config().workingDir().isEmpty() ? "/" : image.config().workingDir();
            // not /tmp/<rid>: a mount point that differs per run would stop the tree being reused
            root.addMountPoints(List.of("/dev", "/proc", "/sys", workingDir), List.of("/etc/hosts", "/etc/resolv.conf"));
            root.addRunMountPoint(tmp);
            root.seal();
            ContainerSpec spec = new ContainerSpec(root.path(), argv, env, workingDir,
                    Map.of(work.path(), tmp), timeout(fn), user.ids());
            ExecResult result = executor.run(spec, lines);
            List<String> damaged = root.modifiedImageFiles();
            if (!damaged.isEmpty()) {
                // the next run must start from the image as pulled, not from what this run left
                images.discard(image);
                lines.accept("scar: the container changed " + damaged.size() + " file(s) of image " + image.source()
                        + " in place (" + damaged.get(0) + (damaged.size() > 1 ? ", ..." : "")
                        + "); the cached copy was discarded and will be fetched again");
            }
            return new InvocationResult(rid, result.exitCode(), result.output(), result.timedOut(),
                    result.truncated(), result.duration().toMillis());
        }
    }

    /** The cache first (invocations work offline), then the archive or registry the user named. */
    private Image image(FunctionSpec fn) {
        if (fn.imageId() != null) {
            var cached = images.find(fn.imageId());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        if (fn.image() == null || fn.image().isBlank()) {
            throw new ImageException("function " + fn.name() + " has no image: create it again with an image");
        }
        Path archive = Path.of(fn.image());
        if (Files.isRegularFile(archive)) {
            return images.load(archive);
        }
        // A cold Lambda starts with an empty cache.
        return images.pull(ImageRef.parse(fn.image()));
    }

    /** First match wins: run's script, run's arguments, init's script, the image's own command. */
    private static List<String> command(Image image, FunctionSpec fn, InvocationRequest req, WorkDir work, String tmp) {
        if (req.script() != null) {
            return script(work, req.script(), tmp);
        }
        List<String> entrypoint = entrypoint(image.config());
        if (!req.args().isEmpty()) {
            return concat(entrypoint, req.args());
        }
        if (fn.initScript() != null) {
            return script(work, fn.initScript(), tmp);
        }
        List<String> argv = concat(entrypoint, image.config().cmd());
        if (argv.isEmpty()) {
            throw new ImageException("image " + image.source() + " has no ENTRYPOINT or CMD: "
                    + "give a script (-s) or the command to run as arguments");
        }
        return argv;
    }

    private static List<String> script(WorkDir work, String script, String tmp) {
        work.write("script.sh", script);
        return List.of("/bin/sh", tmp + "/script.sh");
    }

    /** Docker treats {@code ENTRYPOINT [""]} as no entrypoint. */
    private static List<String> entrypoint(ImageConfig config) {
        List<String> ep = config.entrypoint();
        return ep.size() == 1 && ep.get(0).isEmpty() ? List.of() : ep;
    }

    private static boolean imageSets(ImageConfig config, String name) {
        return config.env().stream().anyMatch(e -> e.startsWith(name + "="));
    }

    /** Later wins: defaults, image ENV, function, request, then the names scripts rely on. */
    private static Map<String, String> environment(ImageConfig config, FunctionSpec fn, InvocationRequest req, String tmp) {
        Map<String, String> env = new LinkedHashMap<>(DEFAULT_ENV);
        for (String entry : config.env()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env.putAll(fn.environment());
        env.putAll(req.environment());
        String output = tmp + "/output";
        env.put("REQUEST_ID", req.requestId());
        env.put("TMP_OUTPUT_DIR", output);
        env.put("SCAR_OUTPUT_DIR", output);
        return env;
    }

    /**
     * The seam for bucket input: the staged file is copied to {@code /tmp/$REQUEST_ID/input/}.
     * STORAGE_OBJECT_KEY is set by the storage stager, which knows the key.
     */
    private static Map<String, String> stageInput(WorkDir work, Path inputFile, String tmp) {
        Path staged = work.copyIn(inputFile, "input");
        String inContainer = tmp + "/input/" + staged.getFileName();
        return Map.of("INPUT_FILE_PATH", inContainer, "SCAR_INPUT_FILE", inContainer);
    }

    /** Killed {@code threshold} seconds early so that output can still be uploaded and reported. */
    private static Duration timeout(FunctionSpec fn) {
        return Duration.ofSeconds(Math.max(1, fn.timeoutSeconds() - fn.timeoutThresholdSeconds()));
    }

    private static void validateKeys(Map<String, String> env, String where) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw new InvocationException("invalid environment variable name '" + e.getKey() + "' in " + where
                        + ": use letters, digits and '_', not starting with a digit");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw new InvocationException("invalid value for environment variable " + e.getKey() + " in " + where);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
