package scar.lambda;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import scar.invoke.FunctionSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The contract between {@code init} on the aws target and the handler inside Lambda: the function's
 * code zip holds one file, {@value #FILE}, with its {@link FunctionSpec} (init script included);
 * its Lambda environment repeats the image and threshold (so they show in the console and in
 * ListFunctions) and carries the user's {@code -e} variables.
 */
public final class FunctionConfig {
    /** The file in the code zip; Lambda unpacks it under {@code $LAMBDA_TASK_ROOT}. */
    public static final String FILE = "scar-function.json";
    /** The handler that every scar function names. */
    public static final String HANDLER = "scar.lambda.LambdaHandler::handleRequest";
    public static final String ENV_IMAGE = "SCAR_IMAGE";
    public static final String ENV_IMAGE_ID = "SCAR_IMAGE_ID";
    public static final String ENV_THRESHOLD = "SCAR_TIMEOUT_THRESHOLD";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** A fixed time makes the same configuration give the same zip, byte for byte. */
    private static final FileTime EPOCH = FileTime.fromMillis(315532800000L);

    private FunctionConfig() {
    }

    /** Is this one of scar's own environment names (not a user's {@code -e} variable)? */
    public static boolean isReserved(String name) {
        return name.equals(ENV_IMAGE) || name.equals(ENV_IMAGE_ID) || name.equals(ENV_THRESHOLD);
    }

    public static byte[] codeZip(FunctionSpec function) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                ZipEntry entry = new ZipEntry(FILE);
                entry.setLastModifiedTime(EPOCH);
                zip.putNextEntry(entry);
                zip.write(JSON.writeValueAsString(function).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@value #FILE} from the unpacked code directory. */
    public static FunctionSpec read(Path taskRoot) {
        Path file = taskRoot.resolve(FILE);
        try {
            return JSON.readValue(Files.readAllBytes(file), FunctionSpec.class);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(file + " is missing: this function was not created by scar's init");
        } catch (IOException e) {
            throw new IllegalStateException(file + " cannot be read: " + e.getMessage());
        }
    }
}
