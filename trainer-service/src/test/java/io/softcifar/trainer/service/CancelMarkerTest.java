package io.softcifar.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CancelMarkerTest {

    private static final Instant CANCEL = Instant.parse("2026-11-28T10:00:00Z");
    private final CancelMarker marker = new CancelMarker("run-a", CANCEL, "study cancelled");

    @Test
    void aRequestMadeBeforeOrAtTheCancelIsSuperseded() {
        assertThat(marker.supersedes(CANCEL.minusSeconds(3600))).isTrue();
        assertThat(marker.supersedes(CANCEL)).isTrue();
    }

    @Test
    void aRequestMadeAfterTheCancelIsARetryAndARequestOfUnknownTimeIsNotSuperseded() {
        assertThat(marker.supersedes(CANCEL.plusMillis(1))).isFalse();
        assertThat(marker.supersedes(null)).isFalse();
    }
}
