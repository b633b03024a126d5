package scar.completion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a value of an option or parameter is, written into the grammar with picocli's
 * {@code completionCandidates}, so the shell's TAB and the generated bash/zsh scripts both read
 * it from the command definitions. Options typed {@link java.nio.file.Path} complete local paths.
 */
public final class Candidates {
    private Candidates() {
    }

    /** Names of functions of the session's target; the values come from {@link CompletionCache}. */
    public static final class Functions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.<String>of().iterator();
        }
    }

    /** Bucket names of the session's target ({@code -es}); from {@link CompletionCache}. */
    public static final class Buckets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.<String>of().iterator();
        }
    }

    /**
     * {@code BUCKET[/PATH]} ({@code -b}): bucket names, then after {@code BUCKET/} the folders and
     * keys inside it, one level at a time like a path.
     */
    public static final class BucketPaths implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.<String>of().iterator();
        }
    }

    /** Request ids of the latest invocations, newest first (log -ri); from the target's logs. */
    public static final class RequestIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.<String>of().iterator();
        }
    }

    /** Image references already used on the session's target (init's IMAGE). */
    public static final class Images implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.<String>of().iterator();
        }
    }

    public static final class Targets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("local", "aws").iterator();
        }
    }

    /** Lambda's commercial regions. */
    public static final class Regions implements Iterable<String> {
        static final List<String> ALL = List.of("af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2",
                "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
                "ap-southeast-4", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
                "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
                "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2");

        @Override
        public Iterator<String> iterator() {
            return ALL.iterator();
        }
    }

    /** Profiles of ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
    public static final class Profiles implements Iterable<String> {
        private static final Pattern SECTION = Pattern.compile("^\\s*\\[(?:profile\\s+)?([A-Za-z0-9_.-]+)\\]\\s*$");

        @Override
        public Iterator<String> iterator() {
            TreeSet<String> names = new TreeSet<>();
            String home = System.getProperty("user.home");
            read(names, env("AWS_CONFIG_FILE", Path.of(home, ".aws", "config")));
            read(names, env("AWS_SHARED_CREDENTIALS_FILE", Path.of(home, ".aws", "credentials")));
            return names.iterator();
        }

        private static Path env(String name, Path fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : Path.of(value);
        }

        private static void read(TreeSet<String> names, Path file) {
            try {
                for (String line : Files.readAllLines(file)) {
                    Matcher matcher = SECTION.matcher(line);
                    if (matcher.matches()) {
                        names.add(matcher.group(1));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no AWS config: no profiles to offer
            }
        }
    }
}
