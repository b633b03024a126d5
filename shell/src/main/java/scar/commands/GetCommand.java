package scar.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scar.storage.ObjectInfo;
import scar.storage.ObjectStorage;
import scar.storage.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "get", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Download a file, or a folder recursively, from a bucket.",
        footer = {"", "Files are written only inside PATH; a folder's keys keep their paths below it.", "",
                "Examples:",
                "  get -b my-bucket/output/result.txt -p .",
                "  get -b my-bucket/output -p ./results"})
public final class GetCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bucket"}, required = true, paramLabel = "BUCKET[/PATH]", completionCandidates = scar.completion.Candidates.BucketPaths.class, description = "What to download")
    String bucket;

    @Option(names = {"-p", "--path"}, paramLabel = "PATH", description = "Where to write (default: the current folder)")
    Path path = Path.of(".");

    private final Session session;

    public GetCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        BucketPath where = BucketPath.parse(spec.commandLine(), bucket);
        ObjectStorage storage = session.target().storage();
        Path destination = session.workingDirectory().resolve(path).normalize();
        Optional<ObjectInfo> single = where.path().isEmpty() ? Optional.empty() : storage.head(where.bucket(), where.path());
        if (single.isPresent()) {
            Path file = Files.isDirectory(destination) ? destination.resolve(single.get().name()) : destination;
            createFolders(file.getParent(), file.getParent());
            storage.get(where.bucket(), single.get().key(), file);
            session.console().println("Downloaded " + where + " to " + file + ".");
            return ExitCodes.OK;
        }
        String prefix = where.folderPrefix();
        List<ObjectInfo> objects = storage.list(where.bucket(), prefix);
        if (objects.isEmpty()) {
            throw new StorageException("nothing found at " + where + "; 'ls -b " + where.bucket() + "' lists its keys");
        }
        if (Files.exists(destination) && !Files.isDirectory(destination)) {
            throw new StorageException(path + " is a file; give a folder to download " + where + " into");
        }
        for (ObjectInfo object : objects) {
            // Keys are validated: no '..', no absolute part, so the file lands below destination.
            String relative = object.key().substring(prefix.length());
            Path file = destination.resolve(relative).normalize();
            if (!file.startsWith(destination)) {
                throw new StorageException("refusing to write " + relative + " outside " + destination);
            }
            createFolders(destination, file.getParent());
            storage.get(where.bucket(), object.key(), file);
        }
        session.console().println("Downloaded " + objects.size() + " file(s) from " + where + " to " + destination + ".");
        return ExitCodes.OK;
    }

    /** Creates the folders from {@code base} down to {@code folder}, never through a link below base. */
    private static void createFolders(Path base, Path folder) {
        try {
            Files.createDirectories(base);
            Path current = base;
            for (Path part : base.relativize(folder)) {
                current = current.resolve(part);
                if (Files.isSymbolicLink(current)) {
                    throw new StorageException("refusing to write through the link " + current + "; remove it first");
                }
                if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(current);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot create the folder " + folder + " to download into: "
                    + scar.storage.LocalObjectStorage.reason(e) + "; give a folder you can write to with -p", e);
        }
    }
}
