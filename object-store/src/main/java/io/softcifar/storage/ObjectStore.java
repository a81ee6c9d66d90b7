package io.softcifar.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object store of one bucket, as every service uses it: files and bytes in, bytes and files out, by key.
 *
 * <p>It wraps the MinIO SDK so that services never see its nine checked exceptions: every failure is an unchecked
 * {@link ObjectStoreException} whose message names the key, the bucket, the endpoint and the problem, and a missing
 * key is either {@link Optional#empty()} ({@link #stat}) or a {@link NoSuchObjectException}. Large files are uploaded
 * in parts by the SDK. Thread-safe: one instance per service, closed on shutdown.
 *
 * <p>This class is the client's lifecycle and the retry policy; one try of each call is in {@link ObjectTransfers}
 * (bytes in and out) or {@link ObjectCatalog} (metadata, listing, deletion).
 *
 * <p>Keys are relative to the bucket ({@code runs/42/model.params}), never start with {@code /}, and are at most
 * 1024 bytes long.
 */
public final class ObjectStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    /** S3's limit for presigned URLs. */
    private static final Duration MAX_PRESIGN = Duration.ofDays(7);

    private final ObjectStoreConfig config;
    private final ObjectStorePolicy policy;
    private final MinioClient client;
    private final S3Failures failures;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong retries = new AtomicLong();
    private final ObjectTransfers transfers;
    private final ObjectCatalog catalog;

    /** Creates the client with {@link ObjectStorePolicy#DEFAULT}; nothing is sent until the first call. */
    public ObjectStore(ObjectStoreConfig config) {
        this(config, ObjectStorePolicy.DEFAULT);
    }

    /**
     * Creates the client; nothing is sent until the first call (use {@link #ping()} to check the settings). The SDK's
     * own timeouts are 5 minutes each, which would make a health check against a dead endpoint hang; the policy's
     * apply instead.
     */
    public ObjectStore(ObjectStoreConfig config, ObjectStorePolicy policy) {
        this.config = config;
        this.policy = policy;
        this.failures = new S3Failures(config);
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .build();
        client.setTimeout(
                policy.connectTimeout().toMillis(),
                policy.readWriteTimeout().toMillis(),
                policy.readWriteTimeout().toMillis());
        this.transfers = new ObjectTransfers(client, config.bucket(), failures, this::ensureOpen);
        this.catalog = new ObjectCatalog(client, config.bucket(), failures, this::ensureOpen);
    }

    public ObjectStorePolicy policy() {
        return policy;
    }

    /** Tries repeated after a retryable failure since this client was made (a metric: the store had trouble). */
    public long retries() {
        return retries.get();
    }

    public ObjectStoreConfig config() {
        return config;
    }

    public String bucket() {
        return config.bucket();
    }

    /**
     * Creates the bucket if it does not exist yet. Services call this at start-up; two services doing so at the same
     * moment is fine.
     */
    public void ensureBucket() {
        withRetries("ensureBucket", () -> {
            ensureBucketOnce();
            return null;
        });
    }

    private void ensureBucketOnce() {
        ensureOpen();
        try {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
                return;
            }
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
            LOG.info("Created bucket '{}' at {}", bucket(), config.endpoint());
        } catch (ErrorResponseException e) {
            // another service created it between our check and our create; "BucketAlreadyExists" is different:
            // on AWS it means the name belongs to another account, which must fail
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw failures.forBucket("create", e);
            }
        } catch (Exception e) {
            throw failures.forBucket("create", e);
        }
    }

    /**
     * A cheap round trip for health checks: one HEAD request on the bucket. Passes when the endpoint answers, accepts
     * the credentials and the bucket exists.
     *
     * @throws ObjectStoreException saying which of the three is not the case
     */
    public void ping() {
        ensureOpen();
        boolean exists;
        try {
            exists = client.bucketExists(
                    BucketExistsArgs.builder().bucket(bucket()).build());
        } catch (Exception e) {
            throw failures.forBucket("reach", e);
        }
        if (!exists) {
            throw new ObjectStoreException(failures.bucketMessage("reach", S3Failures.NO_SUCH_BUCKET));
        }
    }

    /**
     * Uploads a local file; files above 5 MiB go up in parts.
     *
     * @param contentType a MIME type, or null for {@code application/octet-stream}
     * @return the stored object's entity tag
     */
    public String putFile(String key, Path file, String contentType) {
        return withRetries("putFile", () -> transfers.putFile(key, file, contentType));
    }

    /**
     * Stores {@code data} under {@code key}, replacing what was there.
     *
     * @param contentType a MIME type, or null for {@code application/octet-stream}
     * @return the stored object's entity tag
     */
    public String putBytes(String key, byte[] data, String contentType) {
        return withRetries("putBytes", () -> transfers.putBytes(key, data, contentType));
    }

    /** Stores a JSON document (already encoded, e.g. by the contracts codec) as UTF-8 {@code application/json}. */
    public String putJson(String key, String json) {
        return putBytes(key, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /**
     * The whole object in memory; for small objects (manifests, metrics). Use {@link #download} or
     * {@link #openStream} for large ones.
     *
     * @throws NoSuchObjectException when the key does not exist
     */
    public byte[] getBytes(String key) {
        return withRetries("getBytes", () -> transfers.getBytes(key));
    }

    /**
     * {@code length} bytes of the object starting at byte {@code offset} (fewer if the object ends before).
     *
     * @throws NoSuchObjectException when the key does not exist
     */
    public byte[] getRange(String key, long offset, long length) {
        return withRetries("getRange", () -> transfers.getRange(key, offset, length));
    }

    /**
     * Streams the object. The caller closes the stream; an I/O error while reading it surfaces as the
     * {@link IOException} of {@code read}.
     *
     * @throws NoSuchObjectException when the key does not exist
     */
    public InputStream openStream(String key) {
        return withRetries("openStream", () -> transfers.openStream(key));
    }

    /**
     * Writes the object to {@code target}, replacing it. The bytes go to a temporary file next to it that is then
     * renamed, so a reader of {@code target} never sees half a file, and a failed download leaves nothing behind.
     *
     * @return the number of bytes written
     * @throws NoSuchObjectException when the key does not exist
     */
    public long download(String key, Path target) {
        return withRetries("download", () -> transfers.download(key, target));
    }

    /** Size, entity tag and modification time of the object, or empty when the key does not exist. */
    public Optional<ObjectInfo> stat(String key) {
        return withRetries("stat", () -> catalog.stat(key));
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * Every object whose key starts with {@code prefix}, at any depth, in key order. An empty prefix lists the
     * bucket. The whole listing is read into memory; S3 pages of 1000 are followed.
     */
    public List<ObjectInfo> list(String prefix) {
        return withRetries("list", () -> catalog.list(prefix));
    }

    /**
     * Deletes the object; deleting a key that does not exist is not an error (S3 semantics), so a retried delete
     * is harmless.
     */
    public void delete(String key) {
        withRetries("delete", () -> {
            catalog.delete(key);
            return null;
        });
    }

    /**
     * Deletes every object under the "folder" {@code prefix}, which must end with {@code /}: that way
     * {@code runs/4/} can never take {@code runs/42/…} with it.
     *
     * @return how many objects were deleted
     * @throws ObjectStoreException naming the first keys that could not be deleted
     */
    public int deletePrefix(String prefix) {
        return withRetries("deletePrefix", () -> catalog.deletePrefix(prefix));
    }

    /**
     * Removes a half-written upload: every object under {@code prefix} unless {@code completeMarker} (the object an
     * upload writes last) exists. Best effort, for clean-up after a failure: a store that cannot be reached is logged
     * (naming {@code what}) and left as it is.
     */
    public void removeIncomplete(String prefix, String completeMarker, String what) {
        try {
            if (!exists(completeMarker)) {
                deletePrefix(prefix);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: could not remove the partial upload under {}: {}", what, prefix, e.getMessage());
        }
    }

    /**
     * A URL that lets anyone holding it GET the object for {@code validity} (at most 7 days), without credentials:
     * for browsers and tools outside the services. No request is made; the key need not exist yet.
     */
    public URI presignedGetUrl(String key, Duration validity) {
        KeyRules.requireKey(key);
        if (validity.compareTo(Duration.ofSeconds(1)) < 0 || validity.compareTo(MAX_PRESIGN) > 0) {
            throw new IllegalArgumentException(
                    "Presigned URL validity for '" + key + "' must be between 1 second and 7 days, got " + validity);
        }
        ensureOpen();
        try {
            return URI.create(client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(bucket())
                    .object(key)
                    .expiry((int) validity.toSeconds(), TimeUnit.SECONDS)
                    .build()));
        } catch (Exception e) {
            throw failures.forKey("presign a URL for", key, e);
        }
    }

    /** Releases the HTTP client's threads and pooled connections. Calls after this fail. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("Closing the object store client for {} failed: {}", config.endpoint(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "ObjectStore[" + config.endpoint() + ", bucket " + bucket() + "]";
    }

    /**
     * Runs {@code call}, again after a {@linkplain ObjectStoreException#retryable() retryable} failure, up to the
     * policy's attempts, with capped exponential backoff. Every call here is idempotent, so a try whose answer was
     * lost (the store did it, then the connection broke) is harmless to repeat.
     */
    private <T> T withRetries(String operation, Supplier<T> call) {
        for (int tries = 1; ; tries++) {
            try {
                return call.get();
            } catch (ObjectStoreException e) {
                if (!e.retryable() || tries >= policy.attempts() || closed.get()) {
                    throw e;
                }
                Duration wait = policy.backoff(tries);
                retries.incrementAndGet();
                LOG.warn(
                        "Object store {} failed (try {} of {}), again in {} ms: {}",
                        operation,
                        tries,
                        policy.attempts(),
                        wait.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new ObjectStoreException(
                    "The object store client for bucket '" + bucket() + "' at " + config.endpoint() + " is closed");
        }
    }
}
