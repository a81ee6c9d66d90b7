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
}
