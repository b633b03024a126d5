package scar.commands;

import picocli.CommandLine;
import scar.storage.BucketNames;
import scar.storage.ObjectKeys;

/**
 * SCAR's {@code -b BUCKET[/PATH]}: a bucket and, optionally, a key or folder inside it.
 *
 * @param path the part after the first '/', without a trailing '/'; empty for the whole bucket
 */
record BucketPath(String bucket, String path) {
    static BucketPath parse(CommandLine commandLine, String text) {
        if (text == null || text.isEmpty()) {
            throw new CommandLine.ParameterException(commandLine, "no bucket given: use -b BUCKET or -b BUCKET/FOLDER");
        }
        int slash = text.indexOf('/');
        String bucket = slash < 0 ? text : text.substring(0, slash);
        String path = slash < 0 ? "" : text.substring(slash + 1);
        String problem = BucketNames.problem(bucket);
        if (problem != null) {
            throw new CommandLine.ParameterException(commandLine, problem);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.isEmpty()) {
            String keyProblem = ObjectKeys.problem(path, true);
            if (keyProblem != null) {
                throw new CommandLine.ParameterException(commandLine, keyProblem);
            }
        }
        return new BucketPath(bucket, path);
    }

    /** The key of {@code relative} inside this path. */
    String key(String relative) {
        return ObjectKeys.join(path, relative);
    }

    /** The listing prefix of this path taken as a folder. */
    String folderPrefix() {
        return path.isEmpty() ? "" : path + "/";
    }

    @Override
    public String toString() {
        return path.isEmpty() ? bucket : bucket + "/" + path;
    }
}
