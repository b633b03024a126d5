package scar.target.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.completion.CompletionCache;
import scar.storage.s3.S3ObjectStorage;
import scar.session.TargetKey;
import scar.target.Target;
import scar.testing.MotoServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What TAB offers after {@code -b} on the aws target: S3's buckets and one level of keys, from a real moto_server. */
class S3TabListingTest {
    @TempDir
    static Path shared;
    static MotoServer moto;
    static S3Client s3;
    static S3ObjectStorage storage;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(shared.resolve("moto"));
        s3 = moto.configure(S3Client.builder()).forcePathStyle(true).build();
        AwsSettings settings = new AwsSettings(null, "us-east-1", URI.create(moto.endpoint()));
        storage = new S3ObjectStorage(s3, "us-east-1", (permission, e) -> AwsErrors.describe(settings, permission, e));
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void bucketsAndOneLevelOfKeysAreListedLikeAPath() {
        storage.createBucket("tab-photos");
        storage.createBucket("tab-docs");
        for (String key : List.of("input/a.jpg", "input/b.jpg", "input/2024/c.jpg", "output/a.jpg.out", "readme")) {
            s3.putObject(b -> b.bucket("tab-photos").key(key), RequestBody.fromString("x"));
        }
        storage.createFolder("tab-photos", "empty/");

        assertThat(storage.buckets()).contains("tab-docs", "tab-photos");
        assertThat(storage.children("tab-photos", "", 1000)).containsExactly("empty/", "input/", "output/", "readme");
        assertThat(storage.children("tab-photos", "input/", 1000)).containsExactly("input/2024/", "input/a.jpg", "input/b.jpg");
        assertThat(storage.children("tab-photos", "input/a", 1000)).containsExactly("input/a.jpg");
    }

    @Test
    void theCacheOffersS3KeysWithinAShortWaitAndNothingForHostilePrefixes() throws Exception {
        storage.createBucket("tab-cache");
        s3.putObject(b -> b.bucket("tab-cache").key("input/one.txt"), RequestBody.fromString("1"));
        // the aws target itself needs Lambda and IAM set up; only its storage matters to this cache
        Target target = mock(Target.class);
        when(target.storage()).thenReturn(storage);
        when(target.list()).thenReturn(List.of());
        var executor = Executors.newSingleThreadExecutor();
        try {
            var cache = new CompletionCache(Files.createTempDirectory(shared, "c"), new TargetKey("aws", "dev", "us-east-1"),
                    () -> target, () -> executor, Duration.ofSeconds(30), false);
            // the first TAB may come back before S3 answers (100 ms); a later one has the listing
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> cache.objects("tab-cache", "input/").equals(List.of("input/one.txt")));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> cache.bucketNames().contains("tab-cache"));
            assertThat(cache.objects("tab-cache", "input/../")).isEmpty();
            assertThat(cache.objects("tab-cache", "../")).isEmpty();
            assertThat(cache.objects("Bad Name", "")).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }
}
