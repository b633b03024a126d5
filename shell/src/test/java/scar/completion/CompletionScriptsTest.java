package scar.completion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.commands.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bash/zsh scripts in completions/ are generated from the grammar; this test keeps the
 * checked-in copies equal to the generator's output and runs the bash one in bash itself.
 * After changing a command: mvn -pl runtime,shell test -Dtest=CompletionScriptsTest -Dscar.completions.update=true
 */
class CompletionScriptsTest {
    static final Path COMPLETIONS = Path.of("..", "completions");

    @TempDir
    Path home;

    @Test
    void theCheckedInScriptsAreWhatTheGrammarGenerates() throws Exception {
        var root = CommandRunner.grammar().getCommandSpec();
        String bash = CompletionScripts.bash(root);
        String zsh = CompletionScripts.zsh(root);
        if (Boolean.getBoolean("scar.completions.update")) {
            Files.createDirectories(COMPLETIONS);
            Files.writeString(COMPLETIONS.resolve("scar.bash"), bash);
            Files.writeString(COMPLETIONS.resolve("scar.zsh"), zsh);
        }
        assertThat(Files.readString(COMPLETIONS.resolve("scar.bash")))
                .as("completions/scar.bash is stale: regenerate with -Dscar.completions.update=true").isEqualTo(bash);
        assertThat(Files.readString(COMPLETIONS.resolve("scar.zsh")))
                .as("completions/scar.zsh is stale: regenerate with -Dscar.completions.update=true").isEqualTo(zsh);
    }

    @Test
    void bashRegistersTheCompletionForScar() throws Exception {
        assertThat(bash("complete -p scar")).isEqualTo("complete -F _scar scar\n");
    }

    @Test
    void bashCompletesCommandsAndOptionsFromTheGrammar() throws Exception {
        assertThat(complete("scar r")).containsExactlyInAnyOrder("run", "rm", "region");
        assertThat(complete("scar init -t")).containsExactlyInAnyOrder("-t", "-tt");
        assertThat(complete("scar target ")).containsExactly("local", "aws");
        assertThat(complete("scar --v")).containsExactly("--version");
    }

    @Test
    void bashCompletesFunctionNamesFromTheCacheFileScarWrites() throws Exception {
        Files.createDirectories(home.resolve("completion"));
        Files.writeString(home.resolve("completion/default"), "local\n");
        Files.writeString(home.resolve("completion/functions.local.txt"), "hello\nhelp-desk\nother\n$(touch pwned)\n");
        assertThat(complete("scar run hel")).containsExactly("hello", "help-desk");
        assertThat(complete("scar run -n o")).containsExactly("other");
        assertThat(complete("scar rm -n hel")).containsExactly("hello", "help-desk");
        assertThat(complete("scar use o")).containsExactly("other");
        // after NAME come the container's ARGS; with -n all words are ARGS
        assertThat(complete("scar run hello hel")).isEmpty();
        assertThat(complete("scar run -n hello hel")).isEmpty();
        assertThat(complete("scar run -e A=1 hel")).containsExactly("hello", "help-desk");
        assertThat(home.resolve("pwned")).doesNotExist();
    }

    @Test
    void bashCompletesBucketsThenFoldersAndKeysOfALocalBucket() throws Exception {
        Files.createDirectories(home.resolve("completion"));
        Files.writeString(home.resolve("completion/default"), "local\n");
        Files.writeString(home.resolve("completion/buckets.local.txt"), "photos\nplans\ndocs\n");
        Path photos = home.resolve("local/buckets/photos");
        Files.createDirectories(photos.resolve("input/2024"));
        Files.writeString(photos.resolve("input/a.jpg"), "x");
        Files.writeString(photos.resolve("input/.scar-tmp-123"), "half");
        Files.createSymbolicLink(photos.resolve("input/escape"), home);

        assertThat(complete("scar init -es p")).containsExactly("photos", "plans");
        assertThat(complete("scar run -es d")).containsExactly("docs");
        assertThat(complete("scar ls -b ph")).containsExactly("photos/");
        assertThat(complete("scar put -b photos/")).containsExactly("photos/input/");
        assertThat(complete("scar get -b photos/input/")).containsExactly("photos/input/2024/", "photos/input/a.jpg");
        assertThat(complete("scar ls -b photos/input/a")).containsExactly("photos/input/a.jpg");
        // nothing outside the bucket, whatever is typed
        assertThat(complete("scar ls -b photos/input/escape/")).isEmpty();
        assertThat(complete("scar ls -b photos/../")).isEmpty();
        assertThat(complete("scar ls -b ../")).isEmpty();
        assertThat(complete("scar ls -b photos/$(touch pwned)")).isEmpty();
        assertThat(home.resolve("pwned")).doesNotExist();
    }

    @Test
    void bashOffersBucketNamesButNoKeysOnTheAwsTarget() throws Exception {
        Files.createDirectories(home.resolve("completion"));
        Files.writeString(home.resolve("completion/default"), "aws.dev.eu-west-1\n");
        Files.writeString(home.resolve("completion/buckets.aws.dev.eu-west-1.txt"), "cloud-photos\n");
        Files.createDirectories(home.resolve("local/buckets/cloud-photos/input"));
        assertThat(complete("scar ls -b c")).containsExactly("cloud-photos/");
        assertThat(complete("scar ls -b cloud-photos/")).isEmpty();
    }

    @Test
    void bashCompletesPathsForFileOptions() throws Exception {
        Files.writeString(home.resolve("show-env.sh"), "env\n");
        assertThat(complete("scar run hello -s " + home + "/show")).containsExactly(home + "/show-env.sh");
        assertThat(complete("scar init -if " + home + "/sh")).containsExactly(home + "/show-env.sh");
    }

    /** Runs bash's completion function as bash would for the line (a trailing space starts a new word). */
    private List<String> complete(String line) throws Exception {
        String[] words = line.split(" ", -1);
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        String out = bash("COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; _scar; for c in \"${COMPREPLY[@]}\"; do printf '%s\\n' \"$c\"; done");
        return out.lines().toList();
    }

    private String bash(String commands) throws IOException, InterruptedException {
        Path script = COMPLETIONS.resolve("scar.bash").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("bash", "--norc", "--noprofile", "-c",
                "source '" + script + "' && " + commands);
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        builder.environment().put("HOME", home.toString());
        builder.directory(home.toFile());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
