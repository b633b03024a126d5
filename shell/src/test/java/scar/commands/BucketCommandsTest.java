package scar.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** put, get and ls -b on the local target, as a user types them (SCAR's syntax). */
class BucketCommandsTest extends CommandTestBase {
    Path bucketDir(String bucket) {
        return home.resolve("local/buckets").resolve(bucket);
    }

    @Test
    void putAFileAndAFolderThenListAndGetThemBack() throws Exception {
        Path file = Files.writeString(home.resolve("one.txt"), "one");
        Path folder = Files.createDirectories(home.resolve("photos/2024"));
        Files.writeString(folder.resolve("a.jpg"), "aaaa");
        Files.writeString(home.resolve("photos/b.jpg"), "bb");

        Outcome putFile = scar("put", "-b", "my-bucket/docs", "-p", file.toString());
        Outcome putFolder = scar("put", "-b", "my-bucket/input", "-p", home.resolve("photos").toString());

        assertThat(putFile.exitCode()).as(putFile.err()).isZero();
        assertThat(putFile.out()).contains("Uploaded 1 file(s) to my-bucket/docs.");
        assertThat(putFolder.out()).contains("Uploaded 2 file(s) to my-bucket/input.");
        Outcome ls = scar("ls", "-b", "my-bucket");
        assertThat(ls.out().lines().toList()).hasSize(4);
        assertThat(ls.out()).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +3 +docs/one.txt")
                .containsPattern(" 4 +input/2024/a.jpg").containsPattern(" 2 +input/b.jpg");
        assertThat(scar("ls", "-b", "my-bucket/input/2024").out()).contains("input/2024/a.jpg").doesNotContain("b.jpg");

        Path into = home.resolve("downloads");
        Outcome get = scar("get", "-b", "my-bucket/input", "-p", into.toString());
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(into.resolve("2024/a.jpg")).hasContent("aaaa");
        assertThat(into.resolve("b.jpg")).hasContent("bb");

        Outcome getOne = scar("get", "-b", "my-bucket/docs/one.txt", "-p", into.toString());
        assertThat(getOne.exitCode()).as(getOne.err()).isZero();
        assertThat(into.resolve("one.txt")).hasContent("one");
    }

    @Test
    void lsJsonGivesKeysSizesAndTimes() throws Exception {
        scar("put", "-b", "bkt/input", "-p", Files.writeString(home.resolve("x.txt"), "12345").toString());

        JsonNode objects = new ObjectMapper().readTree(scar("ls", "-b", "bkt", "--json").out()).get("Objects");

        assertThat(objects).hasSize(1);
        assertThat(objects.get(0).get("Key").asText()).isEqualTo("input/x.txt");
        assertThat(objects.get(0).get("Size").asLong()).isEqualTo(5);
        assertThat(objects.get(0).get("LastModified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void badBucketNamesAreOneClearLine() throws Exception {
        Path file = Files.writeString(home.resolve("f"), "x");
        scar("put", "-b", "Bad_Name", "-p", file.toString()).failsWithOneClearLine("invalid bucket name 'Bad_Name'");
        scar("ls", "-b", "ab").failsWithOneClearLine("invalid bucket name 'ab'");
        scar("get", "-b", "10.0.0.1", "-p", home.toString()).failsWithOneClearLine("may not look like an IP address");
        assertThat(home.resolve("local/buckets")).doesNotExist();
    }

    @Test
    void aKeyWithDotDotCannotLeaveTheBucket() throws Exception {
        Path file = Files.writeString(home.resolve("evil.txt"), "x");

        scar("put", "-b", "bkt/../../escape", "-p", file.toString()).failsWithOneClearLine("'..' are not allowed");
        scar("put", "-b", "bkt/input/../..", "-p", file.toString()).failsWithOneClearLine("'..' are not allowed");
        scar("get", "-b", "bkt/../secret", "-p", home.toString()).failsWithOneClearLine("'..' are not allowed");
        scar("put", "-b", "bkt/a\\..\\..", "-p", file.toString()).failsWithOneClearLine("not '\\'");

        assertThat(home.resolve("escape")).doesNotExist();
        assertThat(home.resolve("local/escape")).doesNotExist();
        assertThat(home.resolve("local/buckets")).doesNotExist();
    }

    @Test
    void getNeverWritesOutsideItsPathEvenThroughALinkInside() throws Exception {
        scar("put", "-b", "bkt/out", "-p", Files.writeString(home.resolve("r.txt"), "result").toString());
        Files.createDirectories(home.resolve("results"));
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        // A link where a folder of the download would go must not be written through.
        scar("put", "-b", "bkt/out/sub", "-p", home.resolve("r.txt").toString());
        Files.createSymbolicLink(home.resolve("results/sub"), elsewhere);

        scar("get", "-b", "bkt/out", "-p", home.resolve("results").toString()).failsWithOneClearLine("link");

        assertThat(elsewhere.resolve("r.txt")).doesNotExist();
    }

    @Test
    void aFolderOfFilesWithABadNameUploadsNothing() throws Exception {
        Path folder = Files.createDirectories(home.resolve("mixed"));
        Files.writeString(folder.resolve("good.txt"), "ok");
        Files.writeString(folder.resolve("bad\nname"), "x");

        scar("put", "-b", "bkt", "-p", folder.toString()).failsWithOneClearLine("nothing uploaded");

        assertThat(home.resolve("local/buckets/bkt")).doesNotExist();
    }

    @Test
    void missingThingsAreOneClearLine() throws Exception {
        scar("put", "-b", "bkt", "-p", home.resolve("nope").toString()).failsWithOneClearLine("no such file or folder");
        scar("ls", "-b", "nobucket").failsWithOneClearLine("bucket nobucket not found");
        scar("put", "-b", "bkt", "-p", Files.writeString(home.resolve("f"), "x").toString());
        scar("get", "-b", "bkt/nothing", "-p", home.toString()).failsWithOneClearLine("nothing found at bkt/nothing");
        scar("put", "-b", "bkt").failsWithOneClearLine("Missing required option");
    }

    @Test
    void writingOverAnObjectIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        Path file = home.resolve("f");
        Files.writeString(file, "first");
        scar("put", "-b", "bkt", "-p", file.toString());
        Files.writeString(file, "second version");
        scar("put", "-b", "bkt", "-p", file.toString());

        assertThat(bucketDir("bkt").resolve("f")).hasContent("second version");
        assertThat(Files.list(bucketDir("bkt"))).hasSize(1);
    }

    @Test
    void aDestinationThatCannotHoldTheFileIsNamedAsSuchNotAsAMissingObject() throws Exception {
        scar("put", "-b", "my-bucket/input", "-p", Files.writeString(home.resolve("one.txt"), "one").toString());
        // a regular file where the download's folder should be: nothing can be created in it
        Path blocker = Files.writeString(home.resolve("blocker"), "not a folder");

        scar("get", "-b", "my-bucket/input/one.txt", "-p", blocker.resolve("one.txt").toString())
                .failsWithOneClearLine("cannot create the folder " + blocker);
        scar("get", "-b", "my-bucket/input/one.txt", "-p", "/proc/version")
                .failsWithOneClearLine("cannot download input/one.txt to /proc/version: cannot create a file in /proc");
        assertThat(blocker).hasContent("not a folder");
    }
}
