package scar.commands;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scar.testing.MotoServer;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** put, get and ls -b on the aws target, through the shell's commands, against a real moto_server's S3. */
class AwsBucketCommandsTest extends AwsCommandTestBase {
    @BeforeEach
    void awsTarget() throws IOException {
        awsConfig("lambda_region = us-east-1");
    }

    @Test
    void putAFileAndAFolderToS3ThenListAndGetThemBack() throws Exception {
        Path file = Files.writeString(home.resolve("one.txt"), "one");
        Path folder = Files.createDirectories(home.resolve("photos/2024"));
        Files.writeString(folder.resolve("a.jpg"), "aaaa");
        Files.writeString(home.resolve("photos/b.jpg"), "bb");

        Outcome putFile = scar("put", "-b", "my-bucket/docs", "-p", file.toString());
        Outcome putFolder = scar("put", "-b", "my-bucket/input", "-p", home.resolve("photos").toString());

        assertThat(putFile.exitCode()).as(putFile.err()).isZero();
        assertThat(putFile.out()).contains("Uploaded 1 file(s) to my-bucket/docs.");
        assertThat(putFolder.out()).contains("Uploaded 2 file(s) to my-bucket/input.");
        assertThat(s3.headObject(b -> b.bucket("my-bucket").key("input/2024/a.jpg")).contentLength()).isEqualTo(4);
        Outcome ls = scar("ls", "-b", "my-bucket");
        assertThat(ls.out().lines().toList()).as(ls.err()).hasSize(4); // a header and three objects
        assertThat(ls.out()).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +3 +docs/one.txt")
                .containsPattern(" 4 +input/2024/a.jpg").containsPattern(" 2 +input/b.jpg");
        assertThat(scar("ls", "-b", "my-bucket/input/2024").out()).contains("input/2024/a.jpg").doesNotContain("b.jpg");

        Path into = home.resolve("downloads");
        Outcome get = scar("get", "-b", "my-bucket/input", "-p", into.toString());
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(into.resolve("2024/a.jpg")).hasContent("aaaa");
        assertThat(into.resolve("b.jpg")).hasContent("bb");
        try (var left = Files.list(into)) {
            assertThat(left.map(p -> p.getFileName().toString())).doesNotContain(".scar-tmp-");
        }
    }

    @Test
    void lsSkipsFolderMarkersAndListsPastOneThousandKeys() throws Exception {
        s3.createBucket(b -> b.bucket("many"));
        s3.putObject(b -> b.bucket("many").key("input/"), RequestBody.empty());
        // Made directly and in parallel: the test is about listing them, not uploading them.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var puts = java.util.stream.IntStream.range(0, 1001).mapToObj(i -> pool.submit(() -> s3.putObject(
                    b -> b.bucket("many").key(String.format("input/f-%04d.txt", i)), RequestBody.fromString("x"))))
                    .toList();
            for (var put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }

        Outcome ls = scar("ls", "-b", "many");

        assertThat(ls.exitCode()).as(ls.err()).isZero();
        assertThat(ls.out().lines().toList()).hasSize(1 + 1001);
        assertThat(ls.out()).contains("input/f-0000.txt").contains("input/f-1000.txt").doesNotContainPattern("input/\\n");
    }

    @Test
    void aTwentyMegabyteFileGoesUpInPartsAndComesBackByteForByte() throws Exception {
        byte[] content = new byte[20 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(content);
        Path big = Files.write(home.resolve("big.bin"), content);

        Outcome put = scar("put", "-b", "large/data", "-p", big.toString());
        assertThat(put.exitCode()).as(put.err()).isZero();
        // A multipart upload's ETag is "MD5-OF-PARTS-COUNT": 3 parts of at most 8 MB.
        assertThat(s3.headObject(b -> b.bucket("large").key("data/big.bin")).eTag()).endsWith("-3\"");

        Path into = Files.createDirectories(home.resolve("back"));
        Outcome get = scar("get", "-b", "large/data/big.bin", "-p", into.toString());
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(Files.readAllBytes(into.resolve("big.bin"))).isEqualTo(content);
    }

    @Test
    void hostileKeysAndBucketNamesAreRefusedBeforeReachingS3() throws Exception {
        Path file = Files.writeString(home.resolve("evil.txt"), "x");

        scar("put", "-b", "bkt/../../escape", "-p", file.toString()).failsWithOneClearLine("'..' are not allowed");
        scar("get", "-b", "bkt/../secret", "-p", home.toString()).failsWithOneClearLine("'..' are not allowed");
        scar("put", "-b", "bkt/a\\b", "-p", file.toString()).failsWithOneClearLine("not '\\'");
        scar("put", "-b", "Bad_Name", "-p", file.toString()).failsWithOneClearLine("invalid bucket name 'Bad_Name'");

        assertThat(s3.listBuckets().buckets()).isEmpty();
    }

    @Test
    void aKeyPlantedOnS3ThatScarCouldNotNameIsNeitherListedNorDownloaded() {
        s3.createBucket(b -> b.bucket("planted"));
        s3.putObject(b -> b.bucket("planted").key("input/../../escape"), RequestBody.fromString("x"));
        s3.putObject(b -> b.bucket("planted").key("input/ok.txt"), RequestBody.fromString("ok"));

        Outcome ls = scar("ls", "-b", "planted");
        assertThat(ls.out()).contains("input/ok.txt").doesNotContain("escape");
        Outcome get = scar("get", "-b", "planted/input", "-p", home.resolve("in").toString());
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(home.resolve("escape")).doesNotExist();
        assertThat(home.resolve("in/ok.txt")).hasContent("ok");
    }

    @Test
    void aMissingBucketOrObjectOnS3IsOneClearLine() throws Exception {
        scar("ls", "-b", "nobucket").failsWithOneClearLine("bucket nobucket not found");
        scar("put", "-b", "bkt", "-p", Files.writeString(home.resolve("f"), "x").toString());
        scar("get", "-b", "bkt/nothing", "-p", home.toString()).failsWithOneClearLine("nothing found at bkt/nothing");
    }

    /** The role init needs to make a function on moto's Lambda. */
    void useRole() throws IOException {
        awsConfig("lambda_region = us-east-1", "lambda_role = " + createRole());
    }

    static final String TOPIC = "arn:aws:sns:us-east-1:" + MotoServer.ACCOUNT + ":keep-me";

    void existingNotification(String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketNotificationConfiguration(b -> b.bucket(bucket).notificationConfiguration(n -> n
                .topicConfigurations(t -> t.id("keep-me").topicArn(TOPIC)
                        .events(software.amazon.awssdk.services.s3.model.Event.S3_OBJECT_REMOVED))));
    }

    @Test
    void initWithABucketAddsItsNotificationBesideTheBucketsOwnAndRmTakesOnlyItsOwnAway() throws Exception {
        useRole();
        existingNotification("events");

        Outcome init = scar("init", "-n", "worker", "-es", "events", IMAGE);

        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("Bucket 'events' bound");
        var notifications = s3.getBucketNotificationConfiguration(b -> b.bucket("events"));
        assertThat(notifications.topicConfigurations()).singleElement()
                .satisfies(t -> assertThat(t.topicArn()).isEqualTo(TOPIC));
        String functionArn = lambda.getFunction(b -> b.functionName("worker")).configuration().functionArn();
        assertThat(notifications.lambdaFunctionConfigurations()).singleElement().satisfies(l -> {
            assertThat(l.lambdaFunctionArn()).isEqualTo(functionArn);
            assertThat(l.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
            assertThat(l.filter().key().filterRules()).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("input/"));
        });
        assertThat(s3.listObjectsV2(b -> b.bucket("events")).contents())
                .extracting(software.amazon.awssdk.services.s3.model.S3Object::key).contains("input/", "output/");
        assertThat(lambda.getPolicy(b -> b.functionName("worker")).policy())
                .contains("s3.amazonaws.com").contains("arn:aws:s3:::events");

        Outcome rm = scar("rm", "-n", "worker");

        assertThat(rm.exitCode()).as(rm.err()).isZero();
        var after = s3.getBucketNotificationConfiguration(b -> b.bucket("events"));
        assertThat(after.lambdaFunctionConfigurations()).isEmpty();
        assertThat(after.topicConfigurations()).singleElement()
                .satisfies(t -> assertThat(t.topicArn()).isEqualTo(TOPIC));
    }

    @Test
    void initCreatesAMissingBucketAndRmToleratesItsNotificationOrBucketBeingGone() throws Exception {
        useRole();

        assertThat(scar("init", "-n", "one", "-es", "fresh", IMAGE).exitCode()).isZero();
        assertThat(scar("init", "-n", "two", "-es", "gone", IMAGE).exitCode()).isZero();
        assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("fresh")).lambdaFunctionConfigurations()).hasSize(1);
        // Someone cleared the first bucket's notifications and deleted the second bucket.
        s3.putBucketNotificationConfiguration(b -> b.bucket("fresh").notificationConfiguration(n -> { }));
        s3.deleteObject(b -> b.bucket("gone").key("input/"));
        s3.deleteObject(b -> b.bucket("gone").key("output/"));
        s3.deleteBucket(b -> b.bucket("gone"));

        Outcome rmOne = scar("rm", "-n", "one");
        Outcome rmTwo = scar("rm", "-n", "two");

        assertThat(rmOne.exitCode()).as(rmOne.err()).isZero();
        assertThat(rmTwo.exitCode()).as(rmTwo.err()).isZero();
        assertThat(lambda.listFunctions().functions()).isEmpty();
    }

    @Test
    void putIfAbsentNeverReplacesAnObjectAndDeleteSaysWhetherThereWasOne() throws Exception {
        var storage = new scar.storage.s3.S3ObjectStorage(s3, "us-east-1", scar.storage.s3.S3ObjectStorage.plainErrors());
        storage.createBucket("cond");
        storage.createBucket("cond"); // already there: fine
        Path first = Files.writeString(home.resolve("first"), "first");
        Path second = Files.writeString(home.resolve("second"), "second");

        assertThat(storage.putIfAbsent("cond", "input/a.txt", first)).isTrue();
        assertThat(storage.putIfAbsent("cond", "input/a.txt", second)).isFalse();
        storage.get("cond", "input/a.txt", home.resolve("back.txt"));
        assertThat(home.resolve("back.txt")).hasContent("first");

        assertThat(storage.delete("cond", "input/a.txt")).isTrue();
        assertThat(storage.delete("cond", "input/a.txt")).isFalse();
        assertThat(storage.head("cond", "input/a.txt")).isEmpty();
    }
}
