package io.softcifar.cli.faults;

import java.time.Duration;
import java.util.List;

/**
 * The timeouts the fault-injection suite lowers in the child services, and the outages it injects. Two sets of
 * outages: the CI one (default) and the full one ({@code -Dsoftcifar.faults.full=true}, Maven profile
 * {@code faults-full}: 60 s broker and object-store outages, a 90 s SIGSTOP). The timeouts are the same in both, so
 * every outage of either set outlasts the timeout it targets; {@link FaultInjectionIT} asserts that too.
 */
record FaultTimings(Duration brokerOutage, Duration storeOutage, Duration trainerStop) {

    /** Kafka publish timeout of every service ({@code softcifar.kafka.send-timeout}). */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(3);
    /** Object-store client: tries per call, and the connect timeout of each. */
    static final int STORE_ATTEMPTS = 3;

    static final Duration STORE_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration STORE_MAX_BACKOFF = Duration.ofSeconds(1);
    /** Trainer lease TTL and the Kafka session timeout of its request consumer. */
    static final Duration LEASE_TTL = Duration.ofSeconds(6);

    static final Duration TRAINER_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** results-service watchdog. */
    static final Duration WATCHDOG_INTERVAL = Duration.ofSeconds(1);

    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration EVALUATION_TIMEOUT = Duration.ofSeconds(25);
    /** Consumer retry budget: 60 tries, 0.5 s doubling to 3 s (about 3 minutes: longer than any outage here). */
    static final int CONSUMER_ATTEMPTS = 60;

    static final Duration CONSUMER_MAX_BACKOFF = Duration.ofSeconds(3);

    static FaultTimings fromSystemProperties() {
        return Boolean.getBoolean("softcifar.faults.full")
                ? new FaultTimings(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(90))
                : new FaultTimings(Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(20));
    }

    /** The object-store client's own budget for one call while the server is away (tries × (connect + backoff)). */
    static Duration storeClientBudget() {
        return STORE_CONNECT_TIMEOUT.plus(STORE_MAX_BACKOFF).multipliedBy(STORE_ATTEMPTS);
    }

    /** -D settings every child gets. */
    static List<String> common() {
        return List.of(
                "-Dsoftcifar.kafka.send-timeout=" + SEND_TIMEOUT.toMillis() + "ms",
                "-Dsoftcifar.s3.attempts=" + STORE_ATTEMPTS,
                "-Dsoftcifar.s3.initial-backoff=200ms",
                "-Dsoftcifar.s3.max-backoff=" + STORE_MAX_BACKOFF.toMillis() + "ms",
                "-Dsoftcifar.s3.connect-timeout=" + STORE_CONNECT_TIMEOUT.toMillis() + "ms",
                "-Dsoftcifar.s3.read-write-timeout=10s",
                "-Dsoftcifar.consumer.retry.max-attempts=" + CONSUMER_ATTEMPTS,
                "-Dsoftcifar.consumer.retry.initial-backoff=500ms",
                "-Dsoftcifar.consumer.retry.max-backoff=" + CONSUMER_MAX_BACKOFF.toMillis() + "ms");
    }

    static List<String> trainer() {
        return List.of(
                "-Dsoftcifar.trainer.lease-ttl=" + LEASE_TTL,
                "-Dsoftcifar.trainer.session-timeout=" + TRAINER_SESSION_TIMEOUT);
    }

    static List<String> results() {
        return List.of(
                "-Dsoftcifar.results.watchdog.interval=" + WATCHDOG_INTERVAL,
                "-Dsoftcifar.results.watchdog.heartbeat-timeout=" + HEARTBEAT_TIMEOUT,
                "-Dsoftcifar.results.watchdog.evaluation-timeout=" + EVALUATION_TIMEOUT,
                "-Dsoftcifar.results.watchdog.pending-grace=PT5S");
    }
}
