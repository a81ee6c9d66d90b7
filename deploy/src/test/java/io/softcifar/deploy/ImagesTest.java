package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImagesTest {

    @Test
    void pinnedMeansAnExplicitTagThatIsNotLatestOrADigest() {
        assertThat(Images.isPinned("ghcr.io/softcifar/trainer-service:0.1.0-cuda"))
                .isTrue();
        assertThat(Images.isPinned("minio/minio:RELEASE.2025-09-07T16-13-09Z")).isTrue();
        assertThat(Images.isPinned("registry.local:5000/app@sha256:abcd")).isTrue();
        assertThat(Images.isPinned("registry.local:5000/app")).isFalse();
        assertThat(Images.isPinned("apache/kafka")).isFalse();
        assertThat(Images.isPinned("apache/kafka:latest")).isFalse();
        assertThat(Images.isPinned("apache/kafka:")).isFalse();
        assertThat(Images.isPinned("app:${TAG}")).isFalse();
        assertThat(Images.isPinned(null)).isFalse();
    }

    @Test
    void aDigestIsATagPlusSixtyFourHexDigits() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(Images.hasDigest("chrislusf/seaweedfs:4.48@" + digest)).isTrue();
        assertThat(Images.tag("chrislusf/seaweedfs:4.48@" + digest)).isEqualTo("4.48");
        assertThat(Images.hasDigest("chrislusf/seaweedfs@" + digest))
                .as("no tag")
                .isFalse();
        assertThat(Images.hasDigest("chrislusf/seaweedfs:4.48@sha256:abcd"))
                .as("short digest")
                .isFalse();
        assertThat(Images.hasDigest("chrislusf/seaweedfs:4.48")).isFalse();
    }
}
