package io.softcifar.service.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the object store is: {@code softcifar.s3.endpoint}, keys, bucket. Credentials come from the environment. */
@ConfigMapping(prefix = "softcifar.s3")
public interface S3Settings {

    /** e.g. {@code http://minio:9000}. */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("softcifar")
    String bucket();

    @WithDefault("us-east-1")
    String region();

    /** Tries per call in all when the store is down or slow ({@code softcifar.s3.attempts}). */
    @WithDefault("5")
    int attempts();

    @WithDefault("500ms")
    java.time.Duration initialBackoff();

    @WithDefault("8s")
    java.time.Duration maxBackoff();

    @WithDefault("10s")
    java.time.Duration connectTimeout();

    /** How long a read or write on a connection may stall (large checkpoints move in parts, each within this). */
    @WithDefault("60s")
    java.time.Duration readWriteTimeout();
}
