package scar.script;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Recognises an executable {@code #!/usr/bin/env scar} script: the kernel hands scar the file's
 * path as the first argument, with whatever name the file has (often no {@code .scar}).
 */
public final class Shebang {
    private Shebang() {
    }

    public static boolean isScarScript(String argument) {
        return isScarScript(argument, Path.of(""));
    }

    /** @param workingDirectory what a relative {@code argument} is relative to */
    public static boolean isScarScript(String argument, Path workingDirectory) {
        if (argument.startsWith("-")) {
            return false;
        }
        try {
            Path file = workingDirectory.resolve(argument);
            if (!Files.isRegularFile(file)) {
                return false;
            }
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String first = reader.readLine();
                return first != null && first.startsWith("#!") && first.matches("#!\\S*(/|\\s)scar(\\s.*)?");
            }
        } catch (IOException | RuntimeException e) {
            return false; // not a readable text file: not a script
        }
    }
}
