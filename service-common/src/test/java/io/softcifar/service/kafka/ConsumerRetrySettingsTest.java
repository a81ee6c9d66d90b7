package io.softcifar.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.service.events.EventConsumer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A retry budget out of range is refused with the property that holds it, before any consumer is built. */
class ConsumerRetrySettingsTest {

    @Test
    void aBudgetInRangeIsAccepted() {
        EventConsumer.Builder builder = EventConsumer.builder();
        assertThat(ConsumerRetrySettings.of(2, Duration.ofMillis(100), Duration.ofMillis(100))
                        .applyTo(builder))
                .isSameAs(builder);
        assertThat(ConsumerRetrySettings.of(1, Duration.ZERO, Duration.ZERO).applyTo(builder))
                .isSameAs(builder);
        assertThat(ConsumerRetrySettings.of(12, Duration.ofSeconds(1), Duration.ofSeconds(60)))
                .hasToString("12 tries, backoff 1000 ms doubling to 60000 ms");
    }

    @Test
    void valuesOutOfRangeNameTheirProperty() {
        EventConsumer.Builder builder = EventConsumer.builder();
        assertThatThrownBy(() -> ConsumerRetrySettings.of(0, Duration.ofSeconds(1), Duration.ofSeconds(60))
                        .applyTo(builder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softcifar.consumer.retry.max-attempts: must be at least 1, got 0");
        assertThatThrownBy(() -> ConsumerRetrySettings.of(3, Duration.ofSeconds(-1), Duration.ofSeconds(60))
                        .applyTo(builder))
                .hasMessage("softcifar.consumer.retry.initial-backoff: must not be negative, got PT-1S");
        assertThatThrownBy(() -> ConsumerRetrySettings.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1))
                        .applyTo(builder))
                .hasMessage("softcifar.consumer.retry.max-backoff: must be at least"
                        + " softcifar.consumer.retry.initial-backoff (PT2S), got PT1S");
    }
}
