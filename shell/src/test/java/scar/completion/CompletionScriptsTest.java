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

    @Test
    void zshCompletesCommandsFunctionsBucketsAndKeysWhenSourced() throws Exception {
        cacheFiles();
        String setup = "autoload -U compinit && compinit -u -D\nsource '" + COMPLETIONS.resolve("scar.zsh").toAbsolutePath() + "'\n";
        assertThat(zsh(setup, "scar r")).containsExactlyInAnyOrder("run", "rm", "region");
        assertThat(zsh(setup, "scar run hel")).containsExactly("hello", "help-desk");
        assertThat(zsh(setup, "scar rm -n o")).containsExactly("other");
        assertThat(zsh(setup, "scar run hello hel")).isEmpty();
        assertThat(zsh(setup, "scar target ")).containsExactly("local", "aws");
        assertThat(zsh(setup, "scar init -es p")).containsExactly("photos");
        assertThat(zsh(setup, "scar ls -b p")).containsExactly("photos/");
        assertThat(zsh(setup, "scar get -b photos/input/")).containsExactly("photos/input/a.jpg");
        assertThat(zsh(setup, "scar ls -b photos/../")).isEmpty();
        assertThat(home.resolve("pwned")).doesNotExist();
    }

    @Test
    void zshCompletesFromTheFirstTabWhenInstalledAsAnFpathFunction() throws Exception {
        cacheFiles();
        Path fpath = Files.createDirectories(home.resolve("zfunc"));
        Files.copy(COMPLETIONS.resolve("scar.zsh"), fpath.resolve("_scar"));
        String setup = "fpath=('" + fpath + "' $fpath)\nautoload -U compinit && compinit -u -D\n"
                + "typeset -A compstate\n"; // as inside zsh's completion widget
        assertThat(zsh(setup, "scar run hel")).containsExactly("hello", "help-desk");
        // the second TAB goes through what the first one set up
        assertThat(zsh(setup, "scar use o", "scar run o")).containsExactly("other");
    }

    private void cacheFiles() throws IOException {
        Files.createDirectories(home.resolve("completion"));
        Files.writeString(home.resolve("completion/default"), "local\n");
        Files.writeString(home.resolve("completion/functions.local.txt"), "hello\nhelp-desk\nother\n$(touch pwned)\n");
        Files.writeString(home.resolve("completion/buckets.local.txt"), "photos\n");
        Files.createDirectories(home.resolve("local/buckets/photos/input"));
        Files.writeString(home.resolve("local/buckets/photos/input/a.jpg"), "x");
    }

    /**
     * Completes the lines in zsh ({@code zsh -f}, compinit, the script installed by {@code setup}) the
     * way zsh's completion widget would: {@code words}/{@code CURRENT}/{@code PREFIX} set and scar's
     * completion function run; compadd, which only works inside the widget, is replaced by one that
     * prints the matches zsh would offer for the prefix. Anything on stderr fails the test: in a
     * terminal it would be printed over the command line.
     */
    private List<String> zsh(String setup, String... lines) throws Exception {
        StringBuilder tabs = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            tabs.append("tab ");
            for (String word : lines[i].split(" ", -1)) {
                tabs.append('\'').append(word.replace("'", "'\\''")).append("' ");
            }
            tabs.append(i < lines.length - 1 ? ">/dev/null\n" : "\n"); // only the last line's matches are returned
        }
        String script = setup + """
                compadd() {
                  while (( $# )) && [[ $1 != - ]]; do shift; done; shift
                  local m; for m in "$@"; do [[ $m == ${PREFIX}* ]] && print -r -- "$m"; done; return 0
                }
                tab() { words=("$@"); CURRENT=$#; PREFIX=${words[-1]}; IPREFIX= QIPREFIX= SUFFIX= ISUFFIX=; ${=_comps[scar]} }
                """ + tabs;
        Path file = Files.createTempFile(home, "tab", ".zsh");
        Files.writeString(file, script);
        ProcessBuilder builder = new ProcessBuilder("zsh", "-f", file.toString());
        builder.environment().put("SCAR_CONFIG_FOLDER", home.toString());
        builder.environment().put("HOME", home.toString());
        builder.directory(home.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("zsh is not installed: scripts/test installs it (apt-get install zsh)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(err).as("zsh wrote to the terminal").isEmpty();
        return out.lines().toList();
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
