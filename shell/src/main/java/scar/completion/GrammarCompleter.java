package scar.completion;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Completes a scar command line from its picocli grammar: command names, option names, and
 * values by what the grammar says they are ({@link Candidates}; {@link Path} options complete
 * local paths). Function names and images come from the session's {@link CompletionCache}, so a
 * TAB never waits on a target.
 */
public final class GrammarCompleter {
    /** One proposal; {@code complete} is false for a directory, so TAB can go on into it. */
    public record Candidate(String value, boolean complete) {
    }

    /** At most this many paths are offered for one TAB (a huge directory must not stall the shell). */
    static final int MAX_PATHS = 500;

    private final CommandSpec root;
    private final Supplier<CompletionCache> cache;

    public GrammarCompleter(CommandSpec root, Supplier<CompletionCache> cache) {
        this.root = root;
        this.cache = cache;
    }

    /**
     * @param words     the words of the line; {@code words.get(index)} is the word being completed
     * @param index     which word the cursor is in
     * @param prefix    the part of that word before the cursor
     */
    public List<Candidate> complete(List<String> words, int index, String prefix) {
        if (index == 0) {
            return matching(root.subcommands().keySet(), prefix);
        }
        CommandLine sub = root.subcommands().get(words.get(0));
        if (sub == null) {
            return List.of();
        }
        CommandSpec spec = sub.getCommandSpec();
        String previous = words.get(index - 1);
        OptionSpec valueOf = option(spec, previous);
        if (valueOf != null && valueOf.arity().max() > 0 && index - 1 > 0 && !isValueOfPrevious(spec, words, index - 1)) {
            if (valueOf.completionCandidates() instanceof Candidates.RequestIds) {
                return matching(cache.get().requestIds(functionOnLine(spec, words, index)), prefix);
            }
            return values(valueOf, prefix);
        }
        if (prefix.startsWith("-")) {
            List<String> names = new ArrayList<>();
            for (OptionSpec option : spec.options()) {
                names.addAll(List.of(option.names()));
            }
            return matching(names, prefix);
        }
        int position = positionalIndex(spec, words, index);
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            if (positional.index().contains(position)) {
                // a list parameter such as run's NAME ARGS: only its first word is a name
                if (position > positional.index().min() && positional.completionCandidates() instanceof Candidates.Functions) {
                    return List.of();
                }
                if (positional.completionCandidates() instanceof Candidates.Functions && hasNameOption(spec, words, index)) {
                    return List.of();
                }
                return values(positional, prefix);
            }
        }
        return List.of();
    }

    /** The option a word names; picocli's own lookup would also take "n" for "-n", so dashes are required. */
    private static OptionSpec option(CommandSpec spec, String word) {
        return word.startsWith("-") ? spec.findOption(word) : null;
    }

    /** True when {@code words[at]} is itself the value of the option before it. */
    private static boolean isValueOfPrevious(CommandSpec spec, List<String> words, int at) {
        if (at - 1 < 1) {
            return false;
        }
        OptionSpec before = option(spec, words.get(at - 1));
        return before != null && before.arity().max() > 0 && !isValueOfPrevious(spec, words, at - 1);
    }

    private static boolean hasNameOption(CommandSpec spec, List<String> words, int index) {
        for (int i = 1; i < index; i++) {
            OptionSpec option = option(spec, words.get(i));
            if (option != null && option.completionCandidates() instanceof Candidates.Functions) {
                return true;
            }
        }
        return false;
    }

    /**
     * The function the line names apart from the word being completed ({@code log hello -ri …},
     * {@code log -ri … -n hello}), or null: the request ids TAB offers are that function's.
     */
    private static String functionOnLine(CommandSpec spec, List<String> words, int index) {
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            OptionSpec option = option(spec, word);
            if (option != null) {
                if (option.arity().max() > 0) {
                    i++;
                    if (option.completionCandidates() instanceof Candidates.Functions && i < words.size() && i != index
                            && !words.get(i).isEmpty()) {
                        return words.get(i);
                    }
                }
            } else if (i != index && !word.isEmpty() && (!word.startsWith("-") || word.equals("-"))) {
                int position = positionalIndex(spec, words, i);
                for (PositionalParamSpec positional : spec.positionalParameters()) {
                    if (positional.index().min() == position && positional.completionCandidates() instanceof Candidates.Functions) {
                        return word;
                    }
                }
            }
        }
        return null;
    }

    /** How many positional words come before {@code words[index]}, skipping options and their values. */
    private static int positionalIndex(CommandSpec spec, List<String> words, int index) {
        int position = 0;
        for (int i = 1; i < index; i++) {
            String word = words.get(i);
            OptionSpec option = option(spec, word);
            if (option != null) {
                if (option.arity().max() > 0) {
                    i++;
                }
            } else if (!word.startsWith("-") || word.equals("-")) {
                position++;
            }
        }
        return position;
    }

    private List<Candidate> values(ArgSpec arg, String prefix) {
        Iterable<String> candidates = arg.completionCandidates();
        if (candidates instanceof Candidates.Functions) {
            return matching(cache.get().functionNames(), prefix);
        }
        if (candidates instanceof Candidates.Images) {
            return matching(cache.get().images(), prefix);
        }
        if (candidates instanceof Candidates.Buckets) {
            return matching(cache.get().bucketNames(), prefix);
        }
        if (candidates instanceof Candidates.BucketPaths) {
            return bucketPaths(prefix);
        }
        if (candidates instanceof Candidates.RequestIds) {
            return matching(cache.get().requestIds(null), prefix);
        }
        if (Path.class.isAssignableFrom(arg.type()) || java.io.File.class.isAssignableFrom(arg.type())) {
            return paths(prefix);
        }
        if (candidates != null) {
            List<String> values = new ArrayList<>();
            candidates.forEach(values::add);
            return matching(values, prefix);
        }
        return List.of();
    }

    /**
     * {@code -b}: a bucket name goes on with '/' (the same TAB may continue into it), a folder too;
     * a key is complete.
     */
    private List<Candidate> bucketPaths(String prefix) {
        List<Candidate> result = new ArrayList<>();
        int slash = prefix.indexOf('/');
        if (slash < 0) {
            for (String bucket : cache.get().bucketNames()) {
                if (bucket.startsWith(prefix)) {
                    result.add(new Candidate(bucket + "/", false));
                }
            }
            return result;
        }
        String bucket = prefix.substring(0, slash);
        for (String child : cache.get().objects(bucket, prefix.substring(slash + 1))) {
            result.add(new Candidate(bucket + "/" + child, !child.endsWith("/")));
        }
        return result;
    }

    private static List<Candidate> matching(Iterable<String> values, String prefix) {
        List<Candidate> result = new ArrayList<>();
        for (String value : values) {
            if (value.startsWith(prefix)) {
                result.add(new Candidate(value, true));
            }
        }
        return result;
    }

    /** Local files and directories for a path prefix; '~/' means the home directory. */
    static List<Candidate> paths(String prefix) {
        String typed = prefix;
        String home = System.getProperty("user.home");
        String expanded = typed.startsWith("~/") ? home + typed.substring(1) : typed;
        int slash = expanded.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : expanded.substring(0, slash + 1);
        String namePart = slash < 0 ? expanded : expanded.substring(slash + 1);
        String typedDir = slash < 0 ? "" : typed.substring(0, typed.lastIndexOf('/') + 1);
        Path dir = Path.of(dirPart.isEmpty() ? "." : dirPart);
        List<Candidate> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(namePart) || name.startsWith(".") && !namePart.startsWith(".")) {
                    continue;
                }
                boolean directory = Files.isDirectory(entry);
                result.add(new Candidate(typedDir + name + (directory ? "/" : ""), !directory));
                if (result.size() >= MAX_PATHS) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // nothing to offer is the right answer for an unreadable directory
        }
        result.sort(java.util.Comparator.comparing(Candidate::value));
        return result;
    }
}
