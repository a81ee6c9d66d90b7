package io.softcifar.infra.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server inside this JVM (S3Proxy), speaking the S3 REST protocol with AWS Signature V4 on 127.0.0.1, so
 * the MinIO SDK talks to it exactly as to MinIO or AWS: buckets, multipart uploads, ranged reads, listing, presigned
 * URLs, multi-object delete.
 *
 * <p>Without a data directory the objects live in memory and vanish on {@link #close()}. With one, S3Proxy's NIO2
 * file-system store keeps one file per object under {@code DIR/BUCKET/KEY}, which survives restarts. Like a fresh
 * MinIO, it starts without buckets: services create theirs ({@code ObjectStore.ensureBucket()}).
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    private final S3Proxy proxy;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedS3(S3Proxy proxy, String accessKey, String secretKey, Path dataDir) {
        this.proxy = proxy;
        this.port = proxy.getPort();
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dataDir = dataDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:PORT}, path-style, region {@code us-east-1}. */
    public String endpoint() {
        return "http://" + LoopbackPorts.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where the objects are kept, or empty when they are held in memory. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            proxy.stop();
            LOG.info("S3 server on {} stopped", endpoint());
        } catch (Exception e) {
            LOG.warn("S3 server on {} did not stop cleanly: {}", endpoint(), InfrastructureException.rootMessage(e));
        }
    }

    /** Settings of an {@link EmbeddedS3}; everything is optional. */
    public static final class Builder {

        private Path dataDir;
        private int port;
        // no credential literals: unless given, each server gets its own random pair (up passes it to its children)
        private String accessKey = "local-" + randomHex(8);
        private String secretKey = randomHex(20);

        private Builder() {}

        /** Keep the objects in this directory (default: in memory, gone on close). */
        public Builder optDataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** The port on 127.0.0.1 (default 0: a free port). */
        public Builder optPort(int port) {
            LoopbackPorts.requireValid(port, "S3 server");
            this.port = port;
            return this;
        }

        public Builder optCredentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("S3 access key and secret key must not be blank");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Starts the server; it accepts requests when this returns. */
        public EmbeddedS3 start() {
            if (port != 0) {
                LoopbackPorts.requireFree(port, "S3 server");
            }
            long start = System.nanoTime();
            Path dir = dataDir == null ? null : Directories.createKept(dataDir, "S3");
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobStore(dir))
                    .endpoint(URI.create("http://" + LoopbackPorts.HOST + ":" + port))
                    .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
                    // Jetty waits this long for open requests on stop; tests close with nothing in flight
                    .stopTimeout(1_000)
                    .build();
            try {
                proxy.start();
            } catch (Exception e) {
                stopQuietly(proxy);
                throw new InfrastructureException(
                        "S3 server could not start on " + LoopbackPorts.HOST + ":"
                                + (port == 0 ? "<free port>" : port) + (dir == null ? "" : " (data " + dir + ")") + ": "
                                + InfrastructureException.rootMessage(e),
                        e);
            }
            EmbeddedS3 s3 = new EmbeddedS3(proxy, accessKey, secretKey, dir);
            LOG.info(
                    "S3 server ready on {} in {} ms ({})",
                    s3.endpoint(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    dir == null ? "in memory" : "data " + dir);
            return s3;
        }

        private static void stopQuietly(S3Proxy proxy) {
            try {
                proxy.stop();
            } catch (Exception e) {
                LOG.debug("Stopping the S3 server that failed to start failed too", e);
            }
        }

        private static BlobStore blobStore(Path dir) {
            return dir == null ? new TransientNio2BlobStore() : new FilesystemNio2BlobStore(dir.toString());
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
