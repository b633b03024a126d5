package scar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalObjectStorageTest {
    @TempDir
    Path home;

    LocalObjectStorage storage() {
        return new LocalObjectStorage(home.resolve("buckets"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "my-bucket", "my.bucket.1", "a1b", "123"})
    void s3BucketNamesAreAccepted(String name) {
        assertThat(BucketNames.problem(name)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "UPPER", "under_score", "-start", "end-", "a..b", "a.-b", "192.168.1.1", "../etc",
            "a/b", "with space", "xn--abc", "\u00e9tude"})
    void otherBucketNamesAreRejectedWithOneLine(String name) {
        assertThat(BucketNames.problem(name)).startsWith("invalid bucket name").doesNotContain("\n");
        assertThatThrownBy(() -> storage().createBucket(name)).isInstanceOf(StorageException.class);
        assertThat(home.resolve("buckets")).doesNotExist();
    }

    @Test
    void bucketNameOfSixtyFourCharactersIsRejected() {
        assertThat(BucketNames.isValid("a".repeat(63))).isTrue();
        assertThat(BucketNames.isValid("a".repeat(64))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "input/../../x", "/etc/passwd", "input//a", "input/./a", "input/", "a\\..\\b",
            "a\u0000b", "a\nb", ".scar-tmp-1", "input/.."})
    void keysThatCouldLeaveTheBucketAreRejected(String key) {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        assertThat(ObjectKeys.problem(key, false)).isNotNull().doesNotContain("\n");
        assertThatThrownBy(() -> storage.put("bkt", key, Files.writeString(home.resolve("f"), "x")))
                .isInstanceOf(StorageException.class);
        assertThat(home.resolve("x")).doesNotExist();
    }

    @Test
    void keysUpTo1024BytesAreAccepted() {
        String segment = "a".repeat(200);
        String key = String.join("/", segment, segment, segment, segment, segment) + "/" + "b".repeat(19);
        assertThat(key.length()).isEqualTo(1024);
        assertThat(ObjectKeys.isValid(key)).isTrue();
        assertThat(ObjectKeys.isValid(key + "c")).isFalse();
    }

    @Test
    void putGetAndListRoundTripWithSizeAndTime() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        Path source = Files.writeString(home.resolve("hello.txt"), "hello");
        storage.put("bkt", "input/sub/hello.txt", source);
        storage.put("bkt", "input/top.txt", source);
        storage.put("bkt", "output/r.txt", source);

        List<ObjectInfo> listed = storage.list("bkt", "input/");

        assertThat(listed).extracting(ObjectInfo::key).containsExactly("input/sub/hello.txt", "input/top.txt");
        assertThat(listed.get(0).size()).isEqualTo(5);
        assertThat(listed.get(0).lastModified()).isEqualTo(Files.getLastModifiedTime(
                storage.bucketPath("bkt").resolve("input/sub/hello.txt")).toInstant());
        Path copy = home.resolve("copy.txt");
        storage.get("bkt", "input/sub/hello.txt", copy);
        assertThat(copy).hasContent("hello");
        assertThat(storage.list("bkt", "")).hasSize(3);
        assertThat(storage.list("bkt", "input/s")).extracting(ObjectInfo::key).containsExactly("input/sub/hello.txt");
    }

    @Test
    void putIfAbsentNeverReplaces() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        assertThat(storage.putIfAbsent("bkt", "output/a", Files.writeString(home.resolve("one"), "one"))).isTrue();
        assertThat(storage.putIfAbsent("bkt", "output/a", Files.writeString(home.resolve("two"), "two"))).isFalse();
        assertThat(storage.bucketPath("bkt").resolve("output/a")).hasContent("one");
        assertThat(Files.list(storage.bucketPath("bkt").resolve("output"))).hasSize(1);
    }

    @Test
    void readersNeverSeeAHalfWrittenObject() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        byte[] a = new byte[4 << 20];
        byte[] b = new byte[4 << 20];
        java.util.Arrays.fill(a, (byte) 'a');
        java.util.Arrays.fill(b, (byte) 'b');
        Path fa = Files.write(home.resolve("a"), a);
        Path fb = Files.write(home.resolve("b"), b);
        storage.put("bkt", "k", fa);
        Path object = storage.bucketPath("bkt").resolve("k");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger torn = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> reader = pool.submit(() -> {
            while (!done.get()) {
                try {
                    byte[] seen = Files.readAllBytes(object);
                    if (seen.length != a.length || seen[0] != seen[seen.length - 1]) {
                        torn.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    torn.incrementAndGet();
                }
            }
        });
        for (int i = 0; i < 20; i++) {
            storage.put("bkt", "k", i % 2 == 0 ? fb : fa);
        }
        done.set(true);
        reader.get();
        pool.shutdown();
        assertThat(torn).hasValue(0);
        assertThat(storage.list("bkt", "")).extracting(ObjectInfo::key).containsExactly("k");
    }

    @Test
    void linksInsideABucketAreNeitherListedNorFollowed() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        Path secret = Files.writeString(home.resolve("secret"), "secret");
        Path bucket = storage.bucketPath("bkt");
        Files.createDirectories(bucket.resolve("input"));
        Files.createSymbolicLink(bucket.resolve("input/link"), secret);
        Files.createSymbolicLink(bucket.resolve("outside"), home);

        assertThat(storage.list("bkt", "")).isEmpty();
        assertThatThrownBy(() -> storage.get("bkt", "input/link", home.resolve("got"))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.get("bkt", "outside/secret", home.resolve("got"))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.put("bkt", "outside/new", secret)).hasMessageContaining("is a link");
        assertThat(home.resolve("new")).doesNotExist();
        assertThat(home.resolve("got")).doesNotExist();
    }

    @Test
    void getReplacesALinkAtTheDestinationInsteadOfWritingThroughIt() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        storage.put("bkt", "a", Files.writeString(home.resolve("src"), "new"));
        Path victim = Files.writeString(home.resolve("victim"), "keep");
        Path destination = home.resolve("dest");
        Files.createSymbolicLink(destination, victim);

        storage.get("bkt", "a", destination);

        assertThat(victim).hasContent("keep");
        assertThat(destination).hasContent("new");
        assertThat(Files.isSymbolicLink(destination)).isFalse();
    }

    @Test
    void missingBucketOrObjectIsOneClearLine() {
        LocalObjectStorage storage = storage();
        assertThatThrownBy(() -> storage.list("nope", "")).hasMessage(
                "bucket nope not found; create it with 'init ... -es nope'");
        storage.createBucket("bkt");
        assertThatThrownBy(() -> storage.get("bkt", "input/x", home.resolve("x")))
                .hasMessageStartingWith("object input/x not found in bucket bkt");
    }

    @Test
    void anObjectCannotBecomeAFolderOrTheOtherWayRound() throws Exception {
        LocalObjectStorage storage = storage();
        storage.createBucket("bkt");
        Path f = Files.writeString(home.resolve("f"), "x");
        storage.put("bkt", "a/b", f);
        assertThatThrownBy(() -> storage.put("bkt", "a", f)).hasMessageContaining("folder");
        assertThatThrownBy(() -> storage.put("bkt", "a/b/c", f)).hasMessageContaining("is an object");
    }
}
