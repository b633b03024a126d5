package scar.storage.s3;

import scar.storage.BucketNames;
import scar.storage.ObjectInfo;
import scar.storage.ObjectKeys;
import scar.storage.ObjectStorage;
import scar.storage.StorageException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Buckets on S3, with the same rules as the local folders ({@link BucketNames}, {@link ObjectKeys}):
 * a key scar would refuse locally is refused here too, and one planted by another tool is not listed.
 * Writes are atomic by S3's own semantics (an object appears whole, a multipart upload only when
 * completed); a download goes to a temporary file renamed into place.
 *
 * <p>It lives in the runtime because both sides use it: the shell's aws target (put, get, ls -b)
 * and the Lambda handler (staging an S3 event's object in, uploading outputs). How an SDK failure
 * reads is the caller's ({@link Errors}): the shell names the profile and permission, the
 * handler writes one line to the function's log.
 */
public final class S3ObjectStorage implements ObjectStorage {
    /** Files above this go up in parts: one failed part is retried, not the whole file. */
    static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    /** S3's minimum part is 5 MB; 8 MB keeps a 10,000-part upload above 78 GB. */
    static final int PART_SIZE = 8 * 1024 * 1024;

    /** Turns a failed S3 call into one line for the user. */
    @FunctionalInterface
    public interface Errors {
        /**
         * @param permission the IAM action the call needs, e.g. {@code s3:GetObject}
         * @return one line: what failed and what to do
         */
        String describe(String permission, SdkException e);
    }

    private final S3Client s3;
    private final Errors errors;
    private final String region;

    /**
     * @param region where new buckets are created (us-east-1 takes no location constraint)
     * @param errors how a failed call reads
     */
    public S3ObjectStorage(S3Client s3, String region, Errors errors) {
        this.s3 = s3;
        this.errors = errors;
        this.region = region;
    }

    /** Errors as a plain line: the permission, AWS's error code and message (the handler's choice). */
    public static Errors plainErrors() {
        return (permission, e) -> permission + " failed: "
                + (e instanceof AwsServiceException service && !code(service).isEmpty() ? code(service) + ": " : "")
                + oneLine(message(e));
    }

    /** AWS's error code ({@code NoSuchBucket}), or empty. */
    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    private static String message(SdkException e) {
        String message = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null
                ? service.awsErrorDetails().errorMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    @Override
    public void createBucket(String bucket) {
        BucketNames.require(bucket);
        if (bucketExists(bucket)) {
            return;
        }
        call("s3:CreateBucket", bucket, () -> {
            try {
                s3.createBucket(b -> {
                    b.bucket(bucket);
                    if (region != null && !region.equals("us-east-1")) {
                        b.createBucketConfiguration(c -> c.locationConstraint(region));
                    }
                });
            } catch (BucketAlreadyOwnedByYouException e) {
                // made meanwhile by another shell: that is what we wanted
            } catch (AwsServiceException e) {
                if ("BucketAlreadyExists".equals(code(e))) {
                    throw new StorageException("bucket name '" + bucket + "' is taken by another AWS account; "
                            + "bucket names are global: choose another");
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public boolean bucketExists(String bucket) {
        BucketNames.require(bucket);
        return call("s3:ListBucket", bucket, () -> {
            try {
                s3.headBucket(b -> b.bucket(bucket));
                return true;
            } catch (NoSuchBucketException e) {
                return false;
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void createFolder(String bucket, String folder) {
        BucketNames.require(bucket);
        String clean = ObjectKeys.requirePrefix(folder);
        if (clean.isEmpty()) {
            return;
        }
        String marker = clean.endsWith("/") ? clean : clean + "/";
        call("s3:PutObject", bucket, () -> s3.putObject(b -> b.bucket(bucket).key(marker), RequestBody.empty()));
    }

    @Override
    public List<ObjectInfo> list(String bucket, String prefix) {
        BucketNames.require(bucket);
        String clean = ObjectKeys.requirePrefix(prefix == null ? "" : prefix);
        return call("s3:ListBucket", bucket, () -> {
            List<ObjectInfo> objects = new ArrayList<>();
            // The paginator follows continuation tokens: S3 returns at most 1000 keys a page.
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(clean))) {
                for (S3Object object : page.contents()) {
                    // Folder markers ("input/") are not objects; keys scar could not name are not listed.
                    if (!object.key().endsWith("/") && ObjectKeys.isValid(object.key())) {
                        objects.add(new ObjectInfo(object.key(), object.size() == null ? 0 : object.size(),
                                object.lastModified() == null ? Instant.EPOCH : object.lastModified()));
                    }
                }
            }
            objects.sort(Comparator.comparing(ObjectInfo::key));
            return objects;
        });
    }

    @Override
    public List<String> buckets() {
        return call("s3:ListAllMyBuckets", "", () -> {
            List<String> names = new ArrayList<>();
            for (var bucket : s3.listBuckets().buckets()) {
                if (BucketNames.isValid(bucket.name())) {
                    names.add(bucket.name());
                }
            }
            names.sort(Comparator.naturalOrder());
            return names;
        });
    }

    @Override
    public List<String> children(String bucket, String prefix, int max) {
        BucketNames.require(bucket);
        String clean = prefix == null ? "" : prefix;
        int slash = clean.lastIndexOf('/');
        if (slash > 0) {
            ObjectKeys.requirePrefix(clean.substring(0, slash));
        }
        // One page with a delimiter: S3 folds everything below a '/' into one common prefix.
        return call("s3:ListBucket", bucket, () -> {
            var page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(clean).delimiter("/").maxKeys(max));
            List<String> result = new ArrayList<>();
            for (var folder : page.commonPrefixes()) {
                if (ObjectKeys.isValid(folder.prefix().substring(0, folder.prefix().length() - 1))) {
                    result.add(folder.prefix());
                }
            }
            for (S3Object object : page.contents()) {
                if (!object.key().endsWith("/") && ObjectKeys.isValid(object.key())) {
                    result.add(object.key());
                }
            }
            result.sort(Comparator.naturalOrder());
            return result.size() > max ? List.copyOf(result.subList(0, max)) : result;
        });
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        BucketNames.require(bucket);
        ObjectKeys.require(key);
        return call("s3:GetObject", bucket, () -> {
            try {
                HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
                return Optional.of(new ObjectInfo(key, head.contentLength() == null ? 0 : head.contentLength(),
                        head.lastModified() == null ? Instant.EPOCH : head.lastModified()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public void get(String bucket, String key, Path destination) {
        BucketNames.require(bucket);
        ObjectKeys.require(key);
        Path target = destination.toAbsolutePath();
        Path temp = target.resolveSibling(".scar-tmp-" + UUID.randomUUID());
        try {
            getObject(bucket, key, ResponseTransformer.toFile(temp)); // toFile: the SDK may retry a broken transfer
            try {
                // A rename replaces a link at the destination instead of writing through it.
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write " + destination + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void read(String bucket, String key, OutputStream out) {
        BucketNames.require(bucket);
        ObjectKeys.require(key);
        getObject(bucket, key, ResponseTransformer.toOutputStream(out));
    }

    private void getObject(String bucket, String key, ResponseTransformer<GetObjectResponse, ?> into) {
        call("s3:GetObject", bucket, () -> {
            try {
                return s3.getObject(b -> b.bucket(bucket).key(key), into);
            } catch (NoSuchKeyException e) {
                throw new StorageException("object " + key + " not found in bucket " + bucket + "; 'ls -b "
                        + bucket + "' lists its keys");
            }
        });
    }

    @Override
    public void put(String bucket, String key, Path source) {
        upload(bucket, key, source, false);
    }

    @Override
    public boolean putIfAbsent(String bucket, String key, Path source) {
        return upload(bucket, key, source, true);
    }

    @Override
    public boolean delete(String bucket, String key) {
        // S3 answers a delete of a missing key with success: ask first, to tell the user.
        if (head(bucket, key).isEmpty()) {
            return false;
        }
        call("s3:DeleteObject", bucket, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
        return true;
    }

    /** False when {@code ifAbsent} and the key exists (S3's conditional write: If-None-Match: *). */
    private boolean upload(String bucket, String key, Path source, boolean ifAbsent) {
        BucketNames.require(bucket);
        ObjectKeys.require(key);
        long size;
        try {
            size = Files.size(source);
        } catch (IOException e) {
            throw new StorageException("cannot upload " + source + ": no such file", e);
        }
        return call("s3:PutObject", bucket, () -> {
            try {
                if (size <= MULTIPART_THRESHOLD) {
                    s3.putObject(b -> {
                        b.bucket(bucket).key(key);
                        if (ifAbsent) {
                            b.ifNoneMatch("*");
                        }
                    }, RequestBody.fromFile(source));
                } else {
                    multipart(bucket, key, source, size, ifAbsent);
                }
                return true;
            } catch (AwsServiceException e) {
                if (ifAbsent && e.statusCode() == 412) {
                    return false;
                }
                throw e;
            }
        });
    }

    private void multipart(String bucket, String key, Path source, long size, boolean ifAbsent) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[PART_SIZE];
            long offset = 0;
            for (int number = 1; offset < size; number++) {
                int length = (int) Math.min(PART_SIZE, size - offset);
                ByteBuffer part = ByteBuffer.wrap(buffer, 0, length);
                while (part.hasRemaining()) {
                    if (channel.read(part, offset + part.position()) < 0) {
                        throw new StorageException("cannot upload " + source + ": it shrank while being uploaded");
                    }
                }
                int partNumber = number;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, length))).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                offset += length;
            }
            // Only now does the object appear, whole.
            s3.completeMultipartUpload(b -> {
                b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
                if (ifAbsent) {
                    b.ifNoneMatch("*");
                }
            });
        } catch (IOException e) {
            abortQuietly(bucket, key, uploadId);
            throw new StorageException("cannot upload " + source + " as " + key + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abortQuietly(bucket, key, uploadId);
            throw e;
        }
    }

    private void abortQuietly(String bucket, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException ignored) {
            // An unfinished upload is invisible; a bucket lifecycle rule can reap it.
        }
    }

    /** One S3 call; a missing bucket and denied access become one line naming the bucket or permission. */
    private <T> T call(String permission, String bucket, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (NoSuchBucketException e) {
            throw missing(bucket);
        } catch (AwsServiceException e) {
            if ("NoSuchBucket".equals(code(e))) {
                throw missing(bucket);
            }
            throw new StorageException(errors.describe(permission, e), e);
        } catch (SdkException e) {
            throw new StorageException(errors.describe(permission, e), e);
        }
    }

    private static StorageException missing(String bucket) {
        return new StorageException("bucket " + bucket + " not found on S3; create it with 'init ... -es " + bucket
                + "' or 'put FILE " + bucket + "'");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is harmless and named as scar's
        }
    }
}
