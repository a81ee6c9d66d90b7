package io.softcifar.storage;

import java.time.Duration;

/**
 * How long an object-store call may take and how often it is tried again when the store is down or slow.
 *
 * <p>Every call the {@link ObjectStore} makes is idempotent (a whole-object PUT, GET, HEAD, LIST or DELETE: doing it
 * twice leaves the bucket as doing it once), so each is retried on a {@linkplain ObjectStoreException#retryable()
 * retryable} failure, up to {@code attempts} tries in all, waiting {@code initialBackoff}, then twice that, … capped at
 * {@code maxBackoff}. The health check's {@link ObjectStore#ping()} is tried once: readiness must say "down" quickly.
 *
 * @param attempts         tries per call in all (1 = no retry)
 * @param initialBackoff   the wait before the second try
 * @param maxBackoff       the longest wait between two tries
 * @param connectTimeout   how long to wait for a TCP connection
 * @param readWriteTimeout how long a read or write on the connection may stall
 */
public record ObjectStorePolicy(
        int attempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        Duration readWriteTimeout) {

    /**
     * 5 tries with waits of 0.5, 1, 2 and 4 s: a store that is back within about 8 s (a restart, a failover) is not
     * noticed beyond the delay; longer outages surface as a retryable {@link ObjectStoreException}, which the
     * services' event consumers retry again with their own, longer budget.
     */
    public static final ObjectStorePolicy DEFAULT = new ObjectStorePolicy(
            5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(60));

    public ObjectStorePolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("object store attempts must be >= 1, got " + attempts);
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, connectTimeout, readWriteTimeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("object store durations must be >= 0, got " + d);
            }
        }
        if (connectTimeout.isZero() || readWriteTimeout.isZero()) {
            throw new IllegalArgumentException("object store timeouts must be > 0 (0 would mean: wait forever)");
        }
    }

    /** The wait after the {@code failedTries}-th failed try (1-based): initial × 2^(n-1), capped. */
    public Duration backoff(int failedTries) {
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < failedTries && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
