package scar.commands;

import org.junit.jupiter.api.Test;
import scar.completion.CompletionCache;
import scar.completion.GrammarCompleter;
import scar.invoke.FunctionSpec;
import scar.session.TargetKey;
import scar.target.Target;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What TAB proposes in the shell, from scar's grammar and the session's completion cache. */
class TabCompletionTest extends SessionTestBase {

    /** Completes the last word of {@code line} (a trailing space means a new, empty word). */
    List<String> tab(String line) {
        GrammarCompleter completer = new GrammarCompleter(CommandRunner.grammar().getCommandSpec(),
                () -> session.context().completion());
        List<String> words = new java.util.ArrayList<>(Arrays.asList(line.split(" ", -1)));
        return completer.complete(words, words.size() - 1, words.get(words.size() - 1)).stream()
                .map(GrammarCompleter.Candidate::value).toList();
    }

    @Test
    void aFunctionCreatedAMomentAgoCompletesAndARemovedOneDoesNot() throws Exception {
        session(Map.of());
        assertThat(tab("run hel")).isEmpty();
        createFunction("hello");
        createFunction("help-desk");
        assertThat(tab("run hel")).containsExactly("hello", "help-desk");
        shell("rm", "hello");
        assertThat(tab("run hel")).containsExactly("help-desk");
        assertThat(Files.readString(home.resolve("completion/functions.local.txt"))).isEqualTo("help-desk\n");
    }

    @Test
    void functionNamesCompleteWhereverTheGrammarTakesAFunction() throws Exception {
        session(Map.of());
        createFunction("hello");
        assertThat(tab("run -n h")).containsExactly("hello");
        assertThat(tab("run --name h")).containsExactly("hello");
        assertThat(tab("rm -n h")).containsExactly("hello");
        assertThat(tab("rm h")).containsExactly("hello");
        assertThat(tab("use h")).containsExactly("hello");
        assertThat(tab("run -e A=1 h")).containsExactly("hello");
        assertThat(tab("rm e h")).isEmpty(); // 'e' is a word, not the -e option
        assertThat(tab("use n")).isEmpty();
        // after the NAME come the container's ARGS, and with -n every word is an ARG
        assertThat(tab("run hello h")).isEmpty();
        assertThat(tab("run -n hello h")).isEmpty();
        // init names a NEW function: nothing to complete
        assertThat(tab("init -n h")).isEmpty();
    }

    @Test
    void logCompletesFunctionsAndTheRequestIdsOfTheLatestRuns() throws Exception {
        session(Map.of());
        createFunction("hello");
        String first = shell("run", "hello").err().lines().filter(l -> l.startsWith("Request Id: ")).findFirst()
                .orElseThrow().substring("Request Id: ".length());
        String second = shell("run", "hello").err().lines().filter(l -> l.startsWith("Request Id: ")).findFirst()
                .orElseThrow().substring("Request Id: ".length());

        assertThat(tab("log h")).containsExactly("hello");
        assertThat(tab("log -ri ")).containsExactly(second, first);
        assertThat(tab("log hello -ri " + first.substring(0, 8))).containsExactly(first);
    }

    @Test
    void commandsOptionsAndFixedValuesComplete() {
        session(Map.of());
        assertThat(tab("r")).containsExactlyInAnyOrder("run", "rm", "region");
        assertThat(tab("init -t")).containsExactlyInAnyOrder("-t", "-tt");
        assertThat(tab("init -i")).containsExactlyInAnyOrder("-i", "-if");
        assertThat(tab("target ")).containsExactly("local", "aws");
        assertThat(tab("region eu-w")).containsExactly("eu-west-1", "eu-west-2", "eu-west-3");
        assertThat(tab("nosuch ")).isEmpty();
    }

    @Test
    void pathOptionsCompleteLocalFilesAndDirectories() throws Exception {
        session(Map.of());
        Files.createDirectories(home.resolve("scripts/deep"));
        Files.writeString(home.resolve("scripts/show.sh"), "env\n");
        Files.writeString(home.resolve("scripts/.hidden"), "");
        String dir = home.resolve("scripts") + "/";
        assertThat(tab("run hello -s " + dir)).containsExactly(dir + "deep/", dir + "show.sh");
        assertThat(tab("init -if " + dir + "sh")).containsExactly(dir + "show.sh");
        assertThat(tab("init -s " + dir + "nothing-here/x")).isEmpty();
    }

    @Test
    void imagesOfTheTargetsFunctionsCompleteForInit() {
        session(Map.of());
        session.context().functionsListed(List.of(
                new FunctionSpec("cow", "grycap/cowsay", "sha256:" + "a".repeat(64), 128, 300, 10, "", Map.of(), null),
                new FunctionSpec("local", "/tmp/x.tar", "sha256:" + "b".repeat(64), 128, 300, 10, "", Map.of(), null)));
        assertThat(tab("init gr")).containsExactly("grycap/cowsay");
        assertThat(tab("init -i ")).containsExactly("grycap/cowsay");
    }

    @Test
    void aNewSessionCompletesAtOnceFromTheNamesThePreviousOneWrote() throws Exception {
        session(Map.of());
        createFunction("hello");
        session(Map.of()); // a new shell
        assertThat(tab("use he")).containsExactly("hello");
    }

    @Test
    void aTabDoesNotWaitForASlowTargetAndOffersTheNamesOnceTheyArrive() throws Exception {
        // a target that takes 2 s to list: cannot be produced by the local target
        Target slow = mock(Target.class);
        FunctionSpec far = new FunctionSpec("far-away", "x/y", "sha256:" + "c".repeat(64), 128, 300, 10, "", Map.of(), null);
        when(slow.list()).thenAnswer(invocation -> {
            Thread.sleep(2000);
            return List.of(far);
        });
        var executor = Executors.newSingleThreadExecutor();
        try {
            var cache = new CompletionCache(home.resolve("c"), new TargetKey("aws", "dev", "eu-west-1"),
                    () -> slow, () -> executor, Duration.ofSeconds(30), false);
            long start = System.nanoTime();
            assertThat(cache.functionNames()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> cache.functionNames().contains("far-away"));
            assertThat(Files.readString(home.resolve("c/functions.aws.dev.eu-west-1.txt"))).isEqualTo("far-away\n");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aBucketPutAMomentAgoCompletesAndSoDoItsFoldersAndKeys() throws Exception {
        session(Map.of());
        Path photo = home.resolve("cat 1.jpg");
        Files.writeString(photo, "meow");
        assertThat(tab("init -es ph")).isEmpty();
        assertThat(shell("put", "-b", "photos/input/2024", "-p", photo.toString()).exitCode()).isZero();

        assertThat(tab("init -es ph")).containsExactly("photos");
        assertThat(tab("run -es ")).containsExactly("photos");
        assertThat(tab("ls -b p")).containsExactly("photos/");
        assertThat(tab("ls -b photos/")).containsExactly("photos/input/");
        assertThat(tab("get -b photos/input/")).containsExactly("photos/input/2024/");
        assertThat(tab("put -b photos/input/2024/c")).containsExactly("photos/input/2024/cat 1.jpg");
        assertThat(Files.readString(home.resolve("completion/buckets.local.txt"))).isEqualTo("photos\n");

        // a second file in the same folder is offered at once: put drops the folder's listing
        Files.writeString(home.resolve("cow.jpg"), "moo");
        shell("put", "-b", "photos/input/2024", "-p", home.resolve("cow.jpg").toString());
        assertThat(tab("get -b photos/input/2024/c"))
                .containsExactly("photos/input/2024/cat 1.jpg", "photos/input/2024/cow.jpg");
    }

    @Test
    void aBucketBoundByInitCompletesAndOneMadeOutsideScarAppearsWithTheNextListing() throws Exception {
        session(Map.of());
        createFunction("hello");
        assertThat(shell("init", "-n", "bound", "-if", helloTarball.toString(), "-es", "uploads").exitCode()).isZero();
        assertThat(tab("ls -b up")).containsExactly("uploads/");
        assertThat(tab("ls -b uploads/")).containsExactly("uploads/input/", "uploads/output/");

        Files.createDirectories(home.resolve("local/buckets/by-hand"));
        session(Map.of()); // a new shell: its first TAB lists the target
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> tab("init -es b").contains("by-hand"));
    }

    @Test
    void keysPastTheFirstThousandOfAFolderComplete() throws Exception {
        session(Map.of());
        Path input = Files.createDirectories(home.resolve("local/buckets/many/input"));
        for (int i = 0; i < 1200; i++) {
            Files.writeString(input.resolve(String.format("k-%04d.txt", i)), "x");
        }
        assertThat(tab("get -b many/input/k-119")).hasSize(10).startsWith("many/input/k-1190.txt");
        assertThat(tab("get -b many/input/")).hasSize(1000); // one page: type more to narrow it
    }

    @Test
    void hostileBucketPathsOfferNothingOutsideTheBucket() throws Exception {
        session(Map.of());
        Files.writeString(home.resolve("secret.txt"), "x");
        shell("put", "-b", "docs/input", "-p", home.resolve("secret.txt").toString());
        Path buckets = home.resolve("local/buckets");
        Files.createDirectories(buckets.resolve("Bad Name"));
        Files.createSymbolicLink(buckets.resolve("docs/escape"), home);
        Files.createSymbolicLink(buckets.resolve("linked"), home);

        assertThat(tab("ls -b ")).containsExactly("docs/");
        assertThat(tab("ls -b docs/")).containsExactly("docs/input/");
        assertThat(tab("ls -b docs/escape/")).isEmpty();
        assertThat(tab("ls -b docs/../")).isEmpty();
        assertThat(tab("ls -b docs/input/../../")).isEmpty();
        assertThat(tab("ls -b ../")).isEmpty();
        assertThat(tab("ls -b linked/")).isEmpty();
        assertThat(tab("ls -b Bad\\ Name/")).isEmpty();
        assertThat(tab("ls -b docs//")).isEmpty();
        assertThat(tab("ls -b nosuch/")).isEmpty();
    }
}
