package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scar.batch.BatchPlan;
import scar.batch.BatchSummary;
import scar.batch.Inputs;
import scar.batch.Selection;
import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;
import scar.storage.ObjectKeys;
import scar.storage.ObjectStorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "put", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Upload a file or a folder (recursively) to a bucket.",
        footer = {"", "A folder's files keep their paths below FOLDER. Files put under input/ of a bucket bound with",
                "init -es are processed by its function before put returns (one invocation each).", "",
                "Examples:",
                "  put -b my-bucket/input -p photo.jpg",
                "  put -b my-bucket/input/2024 -p ./photos"})
public final class PutCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bucket"}, required = true, paramLabel = "BUCKET[/FOLDER]", completionCandidates = scar.completion.Candidates.BucketPaths.class, description = "Where to upload")
    String bucket;

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "PATH", description = "File or folder to upload")
    Path path;

    @Option(names = "--json", description = "Print the batch summary of a bound bucket as JSON")
    boolean json;

    private final Session session;

    public PutCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        BucketPath where = BucketPath.parse(commandLine, bucket);
        Map<String, Path> uploads = plan(commandLine, where);
        ObjectStorage storage = session.target().storage();
        storage.createBucket(where.bucket());
        for (Map.Entry<String, Path> upload : uploads.entrySet()) {
            storage.put(where.bucket(), upload.getKey(), upload.getValue());
        }
        session.context().bucketChanged(where.bucket());
        String uploaded = "Uploaded " + uploads.size() + " file(s) to " + where + ".";
        if (json) {
            session.console().info(uploaded); // stdout carries only the batch document
        } else {
            session.console().println(uploaded);
        }
        return processInputs(where.bucket(), uploads.keySet().stream()
                .filter(key -> key.startsWith(StorageTrigger.INPUT_FOLDER)).toList());
    }

    /** Key to local file, all checked before anything is uploaded: a bad name uploads nothing. */
    private Map<String, Path> plan(CommandLine commandLine, BucketPath where) {
        Path source = session.workingDirectory().resolve(path).normalize();
        if (!Files.exists(source)) {
            throw new CommandLine.ParameterException(commandLine, "no such file or folder: " + path);
        }
        Map<String, Path> uploads = new LinkedHashMap<>();
        try {
            // The path the user names may be a link; links inside a folder are not followed.
            Path real = source.toRealPath();
            if (Files.isRegularFile(real)) {
                uploads.put(where.key(source.getFileName().toString()), real);
            } else if (Files.isDirectory(real)) {
                try (Stream<Path> files = Files.walk(real)) {
                    for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                            uploads.put(where.key(real.relativize(file).toString().replace('\\', '/')), file);
                        }
                    }
                }
            } else {
                throw new CommandLine.ParameterException(commandLine, path + " is neither a file nor a folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : uploads.keySet()) {
            String problem = ObjectKeys.problem(key, false);
            if (problem != null) {
                throw new CommandLine.ParameterException(commandLine, "nothing uploaded: " + problem);
            }
        }
        if (uploads.isEmpty()) {
            throw new CommandLine.ParameterException(commandLine, "folder " + path + " has no files to upload");
        }
        return uploads;
    }

    /**
     * SCAR's put into a bucket with a trigger starts the function on each new file. Here the
     * files are processed before put returns, so a one-shot put does the work it promises; a
     * shell's watcher finds them in the ledger and does not run them again.
     */
    private int processInputs(String bucketName, List<String> inputKeys) {
        if (inputKeys.isEmpty()) {
            return ExitCodes.OK;
        }
        List<String> functions = session.target().bindings().entrySet().stream()
                .filter(e -> e.getValue().equals(bucketName)).map(Map.Entry::getKey).toList();
        int exit = ExitCodes.OK;
        ObjectStorage storage = session.target().storage();
        for (String function : functions) {
            List<ObjectInfo> uploaded = new ArrayList<>();
            for (String key : inputKeys) {
                storage.head(bucketName, key).filter(Inputs::isInput).ifPresent(uploaded::add);
            }
            List<ObjectInfo> inputs = session.target().ledger(function).wanted(uploaded, Selection.PENDING);
            if (inputs.isEmpty()) {
                continue;
            }
            BatchPlan plan = new BatchPlan(function, bucketName, inputs, Selection.PENDING,
                    session.config().effectiveBatchConcurrency(), null, List.of(), Map.of());
            BatchSummary summary = new BatchLaunch(session).run(plan, json);
            exit = Math.max(exit, EventSourceRun.exitCode(summary));
        }
        return exit;
    }
}
