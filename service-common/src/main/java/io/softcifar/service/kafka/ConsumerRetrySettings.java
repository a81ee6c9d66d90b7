package io.softcifar.service.kafka;

import io.softcifar.service.events.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The retry budget of every {@link EventConsumer} a service builds: how often, and how far apart, a record whose
 * handler failed retryably (object store or broker away, a timeout) is tried before it goes to the dead-letter topic
 * and the listener's give-up hook publishes the domain's failure event.
 *
 * <p>Plain properties like {@link KafkaSettings}, not a {@code @ConfigMapping}: the keys sit under {@code softcifar.},
 * where each service maps its own prefix. Defaults: 12 tries, 1 s doubling to 60 s, about 6 minutes in all
 * (1+2+4+8+16+32+5·60 s of waiting), long enough to ride out a restart of the broker or the object store.
 */
@ApplicationScoped
public class ConsumerRetrySettings {

    static final String MAX_ATTEMPTS = "softcifar.consumer.retry.max-attempts";
    static final String INITIAL_BACKOFF = "softcifar.consumer.retry.initial-backoff";
    static final String MAX_BACKOFF = "softcifar.consumer.retry.max-backoff";

    /** Tries in all, the first included; 1 = no retry. */
    @ConfigProperty(name = MAX_ATTEMPTS, defaultValue = "12")
    int maxAttempts;

    /** The wait after the first failed try; each further wait doubles, up to {@link #maxBackoff}. */
    @ConfigProperty(name = INITIAL_BACKOFF, defaultValue = "1s")
    Duration initialBackoff;

    @ConfigProperty(name = MAX_BACKOFF, defaultValue = "60s")
    Duration maxBackoff;

    /** Settings outside CDI (tools, tests). */
    public static ConsumerRetrySettings of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        ConsumerRetrySettings settings = new ConsumerRetrySettings();
        settings.maxAttempts = maxAttempts;
        settings.initialBackoff = initialBackoff;
        settings.maxBackoff = maxBackoff;
        return settings;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Sets this budget on {@code builder}.
     *
     * @throws IllegalArgumentException naming the property, when a value is out of range
     */
    public EventConsumer.Builder applyTo(EventConsumer.Builder builder) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(MAX_ATTEMPTS + ": must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException(INITIAL_BACKOFF + ": must not be negative, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(MAX_BACKOFF + ": must be at least " + INITIAL_BACKOFF + " ("
                    + initialBackoff + "), got " + maxBackoff);
        }
        return builder.retry(maxAttempts, initialBackoff, maxBackoff);
    }

    @Override
    public String toString() {
        return maxAttempts + " tries, backoff " + initialBackoff.toMillis() + " ms doubling to " + maxBackoff.toMillis()
                + " ms";
    }
}
