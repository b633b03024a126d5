package scar.invoke;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import scar.storage.ObjectKeys;
import scar.storage.ObjectStorage;
import scar.storage.OutputUploader;

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
    private final InvocationLog log;
    /** What this supervisor's runs know of the run trees they left: a reused tree is not walked again. */
    private final RunRootfs.Baselines baselines = new RunRootfs.Baselines();

    /** @param workRoot where each invocation's {@code <requestId>/} directory is made (Lambda: /tmp) */
    public Supervisor(ImageStore images, ContainerExecutor executor, Path workRoot) {
        this(images, executor, workRoot, InvocationLog.DISCARD);
    }

    /** @param log where each invocation's START/lines/END/REPORT record goes (Lambda: stdout) */
    public Supervisor(ImageStore images, ContainerExecutor executor, Path workRoot, InvocationLog log) {
        this.images = images;
        this.executor = executor;
        this.workRoot = workRoot;
        this.log = log;
    }

    public InvocationResult invoke(FunctionSpec fn, InvocationRequest req, Consumer<String> lines) {
        return run(fn, req, null, null, lines).result();
    }

    /**
     * An invocation started by an object in a bucket: the object is staged at
     * {@code /tmp/$REQUEST_ID/input/<name>} ({@code $INPUT_FILE_PATH}, key in {@code $STORAGE_OBJECT_KEY}),
     * and everything under {@code $TMP_OUTPUT_DIR} is uploaded to the bucket's {@code output/}
     * afterwards, also when the run failed or timed out. The input object is never deleted.
     */
    public StagedInvocation invoke(FunctionSpec fn, InvocationRequest req, ObjectStorage storage, StorageTrigger trigger,
                                   Consumer<String> lines) {
        return run(fn, req, storage, trigger, lines);
    }

    /**
     * Checks the request and opens its log record (START) now, on the caller's thread, and
     * returns the rest of the run to call later, on another one ({@code run --async}): a bad
     * request or a log that cannot be written then fails where it is started and seen, instead
     * of a run in the background that nobody sees fail.
     */
    public Pending start(FunctionSpec fn, InvocationRequest req) {
        return new Pending(fn, req, open(fn, req));
    }

    /** An invocation whose log record is open: {@link #run} it once, or {@link #abandon} it. */
    public final class Pending {
        private final FunctionSpec fn;
        private final InvocationRequest req;
        private final InvocationRecord record;

        private Pending(FunctionSpec fn, InvocationRequest req, InvocationRecord record) {
            this.fn = fn;
            this.req = req;
            this.record = record;
        }

        public InvocationResult run(Consumer<String> lines) {
            return complete(record, fn, req, null, null, lines).result();
        }

        /** It will never run (scar is closing): its record still ends, saying why. */
        public void abandon(RuntimeException why) {
            try (record) {
                record.failed(why);
            }
        }
    }

    private StagedInvocation run(FunctionSpec fn, InvocationRequest req, ObjectStorage storage, StorageTrigger trigger,
                                 Consumer<String> lines) {
        return complete(open(fn, req), fn, req, storage, trigger, lines);
    }

    private InvocationRecord open(FunctionSpec fn, InvocationRequest req) {
        String rid = req.requestId();
        if (rid == null || !REQUEST_ID.matcher(rid).matches()) {
            throw new InvocationException("invalid request id '" + rid + "': use 1-64 letters, digits or '-'");
        }
        validateKeys(fn.environment(), "function " + fn.name());
        validateKeys(req.environment(), "request " + rid);
        return InvocationRecord.start(log, fn, rid);
    }

    private StagedInvocation complete(InvocationRecord opened, FunctionSpec fn, InvocationRequest req, ObjectStorage storage,
                                      StorageTrigger trigger, Consumer<String> lines) {
        try (InvocationRecord record = opened) {
            try {
                StagedInvocation staged = run(fn, req, storage, trigger, record, lines);
                record.end(staged.result().exitCode(), staged.result().timedOut());
                return staged;
            } catch (RuntimeException e) {
                record.failed(e);
                throw e;
            }
        }
    }

    private StagedInvocation run(FunctionSpec fn, InvocationRequest req, ObjectStorage storage, StorageTrigger trigger,
                                 InvocationRecord record, Consumer<String> lines) {
        String rid = req.requestId();
        String tmp = "/tmp/" + rid;
        // looked up and marked in use at once: never evicted, not even between the lookup and the run
        try (ImageStore.Held held = images.acquire(() -> image(fn, record));
             WorkDir work = WorkDir.create(workRoot, rid, req.inputFile() != null || trigger != null);
             RunRootfs root = RunRootfs.acquire(held.image().rootfs(), images.runsDir(held.image()), rid, baselines)) {
            Image image = held.image();
            ImageUser user = ImageUser.resolve(image.rootfs(), image.config().user(), image.source());
            Map<String, String> env = environment(image.config(), fn, req, tmp);
            if (user.home().isPresent() && !imageSets(image.config(), "HOME")) {
                // Docker takes HOME from passwd unless the image or the user set it
                if (!fn.environment().containsKey("HOME") && !req.environment().containsKey("HOME")) {
                    env.put("HOME", user.home().get());
                }
            }
            if (req.inputFile() != null) {
                env.putAll(stageInput(work, req.inputFile(), tmp));
                record.runtime("staged input " + req.inputFile().getFileName() + " at " + env.get("INPUT_FILE_PATH"));
            }
            if (trigger != null) {
                env.putAll(stageObject(work, storage, trigger, tmp));
                record.runtime("staged input " + trigger.key() + " at " + env.get("INPUT_FILE_PATH"));
            }
            List<String> argv = command(image, fn, req, work, tmp);
            String workingDir = image.config().workingDir().isEmpty() ? "/" : image.config().workingDir();
            // not /tmp/<rid>: a mount point that differs per run would stop the tree being reused
            root.addMountPoints(List.of("/dev", "/proc", "/sys", workingDir), List.of("/etc/hosts", "/etc/resolv.conf"));
            root.addRunMountPoint(tmp);
            root.seal();
            ContainerSpec spec = new ContainerSpec(root.path(), argv, env, workingDir,
                    Map.of(work.path(), tmp), timeout(fn), user.ids());
            ExecResult result = executor.run(spec, record.tee(lines));
            if (result.timedOut()) {
                record.runtime("task timed out after " + spec.timeout().toSeconds() + " s (timeout " + fn.timeoutSeconds()
                        + " s minus threshold " + fn.timeoutThresholdSeconds() + " s); the container was killed");
            }
            List<String> damaged = root.modifiedImageFiles();
            if (!damaged.isEmpty()) {
                // the next run must start from the image as pulled, not from what this run left
                images.discard(image);
                record.tee(lines).accept("scar: the container changed " + damaged.size() + " file(s) of image " + image.source()
                        + " in place (" + damaged.get(0) + (damaged.size() > 1 ? ", ..." : "")
                        + "); the cached copy was discarded and will be fetched again");
            }
            InvocationResult invocation = new InvocationResult(rid, result.exitCode(), result.output(), result.timedOut(),
                    result.truncated(), result.duration().toMillis());
            if (trigger == null) {
                return new StagedInvocation(invocation, List.of(), List.of());
            }
            // Uploaded whatever the exit: a failed or timed-out run keeps what it produced.
            OutputUploader.Upload upload = new OutputUploader(storage).upload(work.path().resolve("output"), trigger.bucket(), rid);
            upload.keys().forEach(key -> record.runtime("uploaded output " + key));
            upload.warnings().forEach(warning -> record.runtime("warning: " + warning));
            return new StagedInvocation(invocation, upload.keys(), upload.warnings());
        }
    }

    /**
     * Removes {@code /tmp/<requestId>} of an invocation whose process was killed before it could
     * clean up (the caller knows it is dead, e.g. from a batch ledger); true if there was one.
     */
    public boolean removeLeftoverWork(String requestId) {
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            return false;
        }
        return WorkDir.removeLeftover(workRoot, requestId);
    }

    /**
     * Puts the function's image in the cache without running anything (a Lambda function's
     * preheat, {@code init -p}): the next invocation finds it there. Returns the image id.
     */
    public String prepare(FunctionSpec fn, Consumer<String> notes) {
        return image(fn, notes).id();
    }

    private Image image(FunctionSpec fn, InvocationRecord record) {
        return image(fn, record::runtime);
    }

    /** The cache first (invocations work offline), then the archive or registry the user named. */
    private Image image(FunctionSpec fn, Consumer<String> record) {
        if (fn.imageId() != null) {
            var cached = images.find(fn.imageId());
            if (cached.isPresent()) {
                record.accept("image " + fn.imageId() + " found in the cache");
                return cached.get();
            }
        }
        if (fn.image() == null || fn.image().isBlank()) {
            throw new ImageException("function " + fn.name() + " has no image: create it again with an image");
        }
        Path archive = Path.of(fn.image());
        // a tarball, or an OCI layout directory (-if DIR: an absolute path, never an image reference)
        if (Files.isRegularFile(archive) || (archive.isAbsolute() && Files.isDirectory(archive))) {
            record.accept("loading image from " + archive);
            return images.load(archive);
        }
        // A cold Lambda starts with an empty cache.
        record.accept("pulling image " + fn.image());
        Image pulled = images.pull(ImageRef.parse(fn.image()));
        record.accept("image " + pulled.id() + " pulled");
        return pulled;
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

    /** The object is downloaded, not linked: the container may change its copy, never the bucket's. */
    private static Map<String, String> stageObject(WorkDir work, ObjectStorage storage, StorageTrigger trigger, String tmp) {
        String key = ObjectKeys.require(trigger.key());
        String name = key.substring(key.lastIndexOf('/') + 1);
        work.mkdir("input");
        try (OutputStream out = work.newFile("input/" + name)) {
            storage.read(trigger.bucket(), key, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + key + " in " + work.path() + ": " + e.getMessage(), e);
        }
        String inContainer = tmp + "/input/" + name;
        return Map.of("INPUT_FILE_PATH", inContainer, "SCAR_INPUT_FILE", inContainer, "STORAGE_OBJECT_KEY", key);
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
