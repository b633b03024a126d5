package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scar.config.ScarConfig;
import scar.invoke.FunctionSpec;
import scar.target.FunctionNames;
import scar.target.NewFunction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "init", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Create a function from a container image.",
        footer = {"", "Examples:",
                "  init grycap/cowsay",
                "  init -v --json grycap/cowsay",
                "  init -n hello -m 256 -t 60 -if hello.tar",
                "  init -n thumbs -e SIZE=128 -s resize.sh 127.0.0.1:5000/imagemagick:7",
                "  init -n counts -s wc.sh -es my-bucket -if hello.tar   (each file put in my-bucket/input/ runs it)"})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Function name (default: scar- + image name)")
    String name;

    @Option(names = {"-m", "--memory"}, paramLabel = "MB", description = "Memory in MB, 128-10240 (scar.cfg lambda_memory)")
    Integer memory;

    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "Timeout in seconds, 1-900 (scar.cfg lambda_time)")
    Integer timeout;

    @Option(names = {"-tt", "--timeout-threshold"}, paramLabel = "SECONDS",
            description = "Stop the container this long before the timeout (scar.cfg lambda_timeout_threshold)")
    Integer threshold;

    @Option(names = {"-d", "--description"}, paramLabel = "TEXT", description = "Description")
    String description;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Environment variable, repeatable")
    List<String> env = new ArrayList<>();

    @Option(names = {"-s", "--init-script"}, paramLabel = "FILE", description = "Shell script run by every invocation")
    Path initScript;

    @Option(names = {"-i", "--image"}, paramLabel = "IMAGE", completionCandidates = scar.completion.Candidates.Images.class,  description = "Image reference")
    String imageOption;

    @Option(names = {"-if", "--image-file"}, paramLabel = "FILE", description = "Image from a 'docker save' tarball, an OCI archive or an OCI layout directory")
    Path imageFile;

    @Option(names = {"-es", "--event-source"}, paramLabel = "BUCKET", completionCandidates = scar.completion.Candidates.Buckets.class,
            description = "Bind to BUCKET (created with input/ and output/ if needed): each new file under input/ invokes the function")
    String eventSource;

    @Parameters(arity = "0..1", paramLabel = "IMAGE", completionCandidates = scar.completion.Candidates.Images.class, description = "Image reference, e.g. grycap/cowsay or host:5000/name:tag")
    String imagePositional;

    @Option(names = {"-p", "--preheat"}, description = "Invoke the new function once so that its first run finds the image cached (aws; local init pulls it anyway)")
    boolean preheat;

    @Option(names = "--json", description = "Print the created function as JSON")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also print how long the image and the creation took (on stderr)")
    boolean verbose;

    private final Session session;

    public InitCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        String image = chooseImage(commandLine);
        ScarConfig defaults = session.config();
        String functionName = name != null ? name : defaultName(image);
        int memoryMb = memory != null ? memory : defaults.memoryMb();
        int timeoutSeconds = timeout != null ? timeout : defaults.timeoutSeconds();
        int thresholdSeconds = threshold != null ? threshold : defaults.timeoutThresholdSeconds();
        validate(commandLine, functionName, memoryMb, timeoutSeconds, thresholdSeconds);
        // Checked before the image is pulled, so a bad bucket name leaves no function behind.
        String bucket = eventSource == null ? null : BucketPath.parse(commandLine, eventSource).bucket();
        if (eventSource != null && !BucketPath.parse(commandLine, eventSource).path().isEmpty()) {
            throw new CommandLine.ParameterException(commandLine, "give the bucket only (-es " + bucket
                    + "): its input/ and output/ folders are used");
        }

        NewFunction function = new NewFunction(functionName, imageFile == null ? image : null,
                imageFile == null ? null : session.workingDirectory().resolve(imageFile),
                memoryMb, timeoutSeconds, thresholdSeconds,
                description != null ? description : defaults.description(),
                EnvironmentOptions.parse(commandLine, env),
                initScript == null ? null : ScriptFiles.read(commandLine, session.workingDirectory(), initScript));
        long started = System.nanoTime();
        FunctionSpec created = session.target().create(function);
        long millis = (System.nanoTime() - started) / 1_000_000;
        session.context().functionCreated(created);
        if (json) {
            var document = new java.util.LinkedHashMap<String, Object>();
            document.put("FunctionName", created.name());
            document.put("Image", created.image());
            document.put("ImageId", created.imageId());
            document.put("Memory", created.memoryMb());
            document.put("Timeout", created.timeoutSeconds());
            document.put("TimeoutThreshold", created.timeoutThresholdSeconds());
            document.put("Description", created.description());
            if (verbose) {
                document.put("Timings", java.util.Map.of("TotalMillis", millis));
            }
            session.console().println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(document));
        } else {
            session.console().println("Function '" + created.name() + "' successfully created.");
            if (verbose) {
                session.console().info("Image " + created.imageId() + " ready and function created in " + millis + " ms");
            }
        }
        if (bucket != null) {
            new BucketBinding(session).bind(created.name(), bucket);
        }
        if (preheat) {
            String ready = session.target().preheat(created.name());
            if (!json) {
                session.console().println(ready);
            }
        }
        return ExitCodes.OK;
    }

    private String chooseImage(CommandLine commandLine) {
        int given = (imageOption != null ? 1 : 0) + (imagePositional != null ? 1 : 0) + (imageFile != null ? 1 : 0);
        if (given == 0) {
            throw new CommandLine.ParameterException(commandLine,
                    "no image given: name one (init grycap/cowsay) or a tarball (init -if image.tar)");
        }
        if (given > 1) {
            throw new CommandLine.ParameterException(commandLine, "give only one of IMAGE, -i IMAGE and -if FILE");
        }
        return imageOption != null ? imageOption : imagePositional;
    }

    private String defaultName(String image) {
        if (imageFile != null) {
            String file = imageFile.getFileName().toString().replaceFirst("\\.(tar|tar\\.gz|tgz)$", "");
            return FunctionNames.fromImage(file);
        }
        return FunctionNames.fromImage(image);
    }

    private static void validate(CommandLine commandLine, String functionName, int memoryMb, int timeoutSeconds,
                                 int thresholdSeconds) {
        if (!FunctionNames.isValid(functionName)) {
            throw new CommandLine.ParameterException(commandLine, FunctionNames.problem(functionName));
        }
        if (memoryMb < 128 || memoryMb > 10240) {
            throw new CommandLine.ParameterException(commandLine,
                    "invalid memory " + memoryMb + " MB: use -m with a value from 128 to 10240");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 900) {
            throw new CommandLine.ParameterException(commandLine,
                    "invalid timeout " + timeoutSeconds + " s: use -t with a value from 1 to 900");
        }
        if (thresholdSeconds < 0 || thresholdSeconds >= timeoutSeconds) {
            throw new CommandLine.ParameterException(commandLine, "invalid timeout threshold " + thresholdSeconds
                    + " s: it must be at least 0 and less than the timeout (" + timeoutSeconds + " s); set it with -tt");
        }
    }
}
