package scar.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Uploads what a container wrote under its output folder to {@code output/} of a bucket,
 * keeping relative paths. Never overwrites: when a key is taken (another input wrote the same
 * name, or an earlier run of this one), the file goes to {@code output/<request-id>/<path>}
 * instead, with a warning, so neither result is lost. Only regular files are uploaded; links
 * the container left are reported and skipped, never followed. Files are moved into the bucket
 * where the storage can (see {@link ObjectStorage#moveIfAbsent}): the run is over.
 */
public final class OutputUploader {
    public static final String OUTPUT_FOLDER = "output/";

    private final ObjectStorage storage;

    public OutputUploader(ObjectStorage storage) {
        this.storage = storage;
    }

    public record Upload(List<String> keys, List<String> warnings) {
    }

    public Upload upload(Path outputDir, String bucket, String requestId) {
        List<String> keys = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return new Upload(keys, warnings);
        }
        try {
            Files.walkFileTree(outputDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String relative = outputDir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                    if (!attrs.isRegularFile()) {
                        warnings.add("output " + Printable.of(relative) + " is not a regular file (a link or device); not uploaded");
                        return FileVisitResult.CONTINUE;
                    }
                    String key = OUTPUT_FOLDER + relative;
                    String problem = ObjectKeys.problem(key, false);
                    if (problem != null) {
                        warnings.add("output " + Printable.of(relative) + " not uploaded: " + problem);
                        return FileVisitResult.CONTINUE;
                    }
                    try {
                        if (storage.moveIfAbsent(bucket, key, file)) {
                            keys.add(key);
                        } else {
                            String aside = OUTPUT_FOLDER + requestId + "/" + relative;
                            storage.put(bucket, aside, file);
                            keys.add(aside);
                            warnings.add(key + " already exists; this run's file was written to " + aside);
                        }
                    } catch (StorageException e) {
                        warnings.add("output " + Printable.of(relative) + " not uploaded: " + e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    warnings.add("output " + outputDir.relativize(file) + " could not be read: " + e.getMessage());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            warnings.add("outputs could not be listed: " + e.getMessage());
        }
        return new Upload(keys, warnings);
    }
}
