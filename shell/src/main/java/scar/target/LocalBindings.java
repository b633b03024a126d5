package scar.target;

import scar.storage.BucketNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Map;

/**
 * Which bucket each function of the local target is bound to ({@code init -es}): one small file
 * per function under {@code local/bindings/}, kept beside the function so FunctionSpec stays the
 * same on both targets.
 */
final class LocalBindings {
    private final Path directory;

    LocalBindings(Path directory) {
        this.directory = directory;
    }

    void bind(String function, String bucket) {
        BucketNames.require(bucket);
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".new-", ".bucket");
            Files.writeString(temp, bucket + "\n");
            Files.move(temp, fileOf(function), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<String> bucketOf(String function) {
        try {
            String bucket = Files.readString(fileOf(function)).strip();
            return BucketNames.isValid(bucket) ? Optional.of(bucket) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Function name to bucket, sorted by function. */
    Map<String, String> all() {
        Map<String, String> bindings = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return bindings;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.bucket")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String function = name.substring(0, name.length() - ".bucket".length());
                if (FunctionNames.isValid(function)) {
                    bucketOf(function).ifPresent(bucket -> bindings.put(function, bucket));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bindings;
    }

    void unbind(String function) {
        try {
            Files.deleteIfExists(fileOf(function));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path fileOf(String function) {
        if (!FunctionNames.isValid(function)) {
            throw new TargetException(FunctionNames.problem(function));
        }
        return directory.resolve(function + ".bucket");
    }
}
