package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImagesTest {

    @Test
    void pinnedMeansAnExplicitTagThatIsNotLatestOrADigest() {
        assertThat(Images.isPinned("ghcr.io/softcifar/trainer-service:0.1.0-cuda")).isTrue();
        assertThat(Images.isPinned("minio/minio:RELEASE.2025-09-07T16-13-09Z")).isTrue();
        assertThat(Images.isPinned("registry.local:5000/app@sha256:abcd")).isTrue();
        assertThat(Images.isPinned("registry.local:5000/app")).isFalse();
        assertThat(Images.isPinned("apache/kafka")).isFalse();
        assertThat(Images.isPinned("apache/kafka:latest")).isFalse();
        assertThat(Images.isPinned("apache/kafka:")).isFalse();
        assertThat(Images.isPinned("app:${TAG}")).isFalse();
        assertThat(Images.isPinned(null)).isFalse();
    }
}
