package scar.commands;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the shell scripts given with {@code -s}: they run inside the container, so only their text is kept. */
final class ScriptFiles {
    /** Lambda's request limit; a script bigger than this could never be sent on the aws target. */
    private static final long MAX_BYTES = 6L * 1024 * 1024;

    private ScriptFiles() {
    }

    /** @param script as the user gave it (messages name it so), relative to {@code workingDirectory} */
    static String read(CommandLine commandLine, Path workingDirectory, Path given) {
        Path script = workingDirectory.resolve(given);
        if (!Files.exists(script)) {
            throw new CommandLine.ParameterException(commandLine, "script file " + given + " not found");
        }
        if (!Files.isRegularFile(script)) {
            throw new CommandLine.ParameterException(commandLine, "script " + given
                    + " is not a regular file (a folder or a device); give the path of a shell script");
        }
        try {
            if (Files.size(script) > MAX_BYTES) {
                throw new CommandLine.ParameterException(commandLine,
                        "script file " + given + " is bigger than 6 MB; copy big files into the image instead");
            }
            return Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(commandLine, "cannot read script file " + given + ": " + e.getMessage());
        }
    }
}
