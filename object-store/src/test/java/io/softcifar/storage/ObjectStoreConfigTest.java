package io.softcifar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectStoreConfigTest {

    @Test
    void defaultsTheRegionAndDropsATrailingSlash() {
        ObjectStoreConfig config = new ObjectStoreConfig("http://127.0.0.1:9000/", "ak", "sk", "softcifar", " ");

        assertThat(config.endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(config.region()).isEqualTo("us-east-1");
    }

    @Test
    void neverShowsTheSecretKey() {
        assertThat(ObjectStoreConfig.of("http://minio:9000", "ak", "top-secret", "softcifar")
                        .toString())
                .doesNotContain("top-secret")
                .contains("secretKey=***")
                .contains("bucket=softcifar");
    }

    @Test
    void rejectsAnEndpointWithoutSchemeNamingTheValue() {
        assertThatThrownBy(() -> ObjectStoreConfig.of("minio:9000", "ak", "sk", "softcifar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'minio:9000'");
    }

    @Test
    void rejectsAnEndpointWithABucketPath() {
        assertThatThrownBy(() -> ObjectStoreConfig.of("http://minio:9000/softcifar", "ak", "sk", "softcifar"))
                .hasMessageContaining("must not have a path");
    }

    @Test
    void rejectsBucketNamesThatS3Refuses() {
        for (String bad : new String[] {"ab", "Softcifar", "soft_cifar", "-softcifar", "soft..cifar", "x".repeat(64)}) {
            assertThatThrownBy(() -> ObjectStoreConfig.of("http://minio:9000", "ak", "sk", bad))
                    .as(bad)
                    .hasMessageContaining("'" + bad + "' is not valid");
        }
        assertThat(ObjectStoreConfig.of("http://minio:9000", "ak", "sk", "soft-cifar.v1")
                        .bucket())
                .isEqualTo("soft-cifar.v1");
    }

    @Test
    void rejectsMissingCredentials() {
        assertThatThrownBy(() -> ObjectStoreConfig.of("http://minio:9000", "", "sk", "softcifar"))
                .hasMessage("S3 access key must be set");
        assertThatThrownBy(() -> ObjectStoreConfig.of("http://minio:9000", "ak", null, "softcifar"))
                .hasMessage("S3 secret key must be set");
    }
}
