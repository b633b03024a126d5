package scar.target;

import scar.json.JsonFields;
import scar.json.SharedMapper;
import scar.storage.FileVersion;
import scar.invoke.FunctionSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Functions of the local target, one JSON document each under {@code local/functions/}.
 * Parsed documents are remembered by file identity (inode, size, modification time), so that a
 * shell's {@code ls} of thousands of functions reads only the files that changed since the last
 * listing; another shell that creates or removes a function changes the file, never in place.
 */
public final class LocalFunctionRepository {
    private record Parsed(FileVersion version, FunctionSpec function) {
    }

    private final Path directory;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    public LocalFunctionRepository(Path directory) {
        this.directory = directory;
    }

    /** Saves a new function; a function of the same name is never overwritten, even by a racing shell. */
    public void create(FunctionSpec function) {
        Path file = fileOf(function.name());
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".new-", ".json");
            try {
                SharedMapper.get().writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), function);
                // A hard link is created atomically and fails if the name is taken.
                Files.createLink(file, temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new TargetException("function '" + function.name() + "' already exists; remove it first with 'rm -n "
                    + function.name() + "' or choose another name with -n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<FunctionSpec> find(String name) {
        Path file = fileOf(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Parsed known = parsed.get(name);
            if (known != null && known.version().matches(attributes)) {
                return Optional.of(known.function());
            }
            FunctionSpec function = parse(file);
            parsed.put(name, new Parsed(FileVersion.of(attributes), function));
            return Optional.of(function);
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            parsed.remove(name);
            return Optional.empty();
        } catch (IOException e) {
            throw new TargetException("function '" + name + "' is damaged (" + file + "): " + e.getMessage());
        }
    }

    public List<FunctionSpec> list() {
        List<FunctionSpec> functions = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return functions;
        }
        // a suffix test, not a glob: the glob's matcher was a tenth of an ls of 2000 functions
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, p -> p.getFileName().toString().endsWith(".json"))) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (!fileName.startsWith(".")) {
                    find(fileName.substring(0, fileName.length() - ".json".length())).ifPresent(functions::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        functions.sort(Comparator.comparing(FunctionSpec::name));
        return functions;
    }

    public boolean delete(String name) {
        parsed.remove(name);
        try {
            return Files.deleteIfExists(fileOf(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a function's document field by field ({@link JsonFields}): missing fields take the
     * record's defaults, as the object mapper gave them before; a field this version does not know
     * (written by a newer scar) is skipped; a value of the wrong type is damage.
     */
    private static FunctionSpec parse(Path file) throws IOException {
        String[] text = new String[5]; // name, image, imageId, description, initScript
        int[] number = new int[3]; // memoryMb, timeoutSeconds, timeoutThresholdSeconds
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        JsonFields.read(file.toFile(), (field, value) -> {
            switch (field) {
                case "name" -> text[0] = value.text();
                case "image" -> text[1] = value.text();
                case "imageId" -> text[2] = value.text();
                case "description" -> text[3] = value.text();
                case "initScript" -> text[4] = value.text();
                case "memoryMb" -> number[0] = value.integer();
                case "timeoutSeconds" -> number[1] = value.integer();
                case "timeoutThresholdSeconds" -> number[2] = value.integer();
                case "environment" -> environment.putAll(value.textMap());
                default -> { } // a newer scar's field
            }
        });
        return new FunctionSpec(text[0], text[1], text[2], number[0], number[1], number[2], text[3], environment, text[4]);
    }

    private Path fileOf(String name) {
        // Names are validated before they get here; this guards the path all the same.
        if (!FunctionNames.isValid(name)) {
            throw new TargetException(FunctionNames.problem(name));
        }
        return directory.resolve(name + ".json");
    }
}
