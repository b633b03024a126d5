package scar.commands;

import scar.json.SharedMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scar.invoke.FunctionSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List functions, or the files of a bucket (-b).",
        footer = {"", "Examples:", "  ls", "  ls -v", "  ls --json", "  ls -b my-bucket", "  ls -b my-bucket/output"})
public final class LsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the list as JSON")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "More columns, and how long the listing took (on stderr)")
    boolean verbose;

    @Option(names = {"-b", "--bucket"}, paramLabel = "BUCKET[/PATH]", completionCandidates = scar.completion.Candidates.BucketPaths.class, description = "List the keys of a bucket, with size and time")
    String bucket;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Session session;

    public LsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        if (bucket != null) {
            return new BucketListing(session).print(BucketPath.parse(spec.commandLine(), bucket), json);
        }
        long started = System.nanoTime();
        List<FunctionSpec> functions = session.target().list();
        long millis = (System.nanoTime() - started) / 1_000_000;
        session.context().functionsListed(functions);
        if (json) {
            List<Map<String, Object>> rows = functions.stream().map(LsCommand::describe).toList();
            session.console().println(SharedMapper.get().writeValueAsString(Map.of("Functions", rows)));
            return ExitCodes.OK;
        }
        Table table = new Table(verbose
                ? List.of("NAME", "MEMORY", "TIME", "THRESHOLD", "IMAGE_ID", "IMAGE", "DESCRIPTION")
                : List.of("NAME", "MEMORY", "TIME", "IMAGE_ID"));
        for (FunctionSpec function : functions) {
            table.add(verbose
                    ? List.of(function.name(), function.memoryMb() + "", function.timeoutSeconds() + "",
                        function.timeoutThresholdSeconds() + "", shortId(function.imageId()), function.image(),
                        function.description())
                    : List.of(function.name(), function.memoryMb() + "", function.timeoutSeconds() + "",
                        shortId(function.imageId())));
        }
        table.print(session.console().out(), session.console().width());
        session.console().out().flush();
        if (verbose) {
            session.console().info(functions.size() + " function(s) listed in " + millis + " ms");
        }
        return ExitCodes.OK;
    }

    /** Docker's short image id: 12 hex digits of the config digest. */
    static String shortId(String imageId) {
        String hex = imageId.startsWith("sha256:") ? imageId.substring("sha256:".length()) : imageId;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static Map<String, Object> describe(FunctionSpec function) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Name", function.name());
        row.put("Memory", function.memoryMb());
        row.put("Timeout", function.timeoutSeconds());
        row.put("TimeoutThreshold", function.timeoutThresholdSeconds());
        row.put("Image", function.image());
        row.put("ImageId", function.imageId());
        row.put("Description", function.description());
        return row;
    }
}
