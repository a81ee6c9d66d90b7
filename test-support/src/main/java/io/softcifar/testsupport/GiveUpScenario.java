package io.softcifar.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The consumer side of a service's give-up IT (trainer, evaluator, dataset-service): a record whose store calls get
 * 503 from a {@link FaultyStoreProxy} outlasts a budget of {@value #TRIES} tries, and the test checks the dead letter,
 * the consumer's counters and the number of injected faults here, the domain's failure event itself.
 *
 * <p>The header names are those of service-common's {@code EventConsumer} (test-support does not depend on it).
 */
public final class GiveUpScenario {

    /** Consumer tries in the give-up profile. */
    public static final int TRIES = 2;
    /** Tries of each store call by the store client in the give-up profile. */
    public static final int STORE_TRIES = 2;

    private final FaultyStoreProxy proxy;
    private final String topic;
    private final Supplier<String> metrics;
    private final long faultsBefore;
    private long badOffset = -1;
    private final double retriesBefore;
    private final double exhaustedBefore;

    private GiveUpScenario(FaultyStoreProxy proxy, String topic, Supplier<String> metrics) {
        this.proxy = proxy;
        this.topic = topic;
        this.metrics = metrics;
        this.faultsBefore = proxy.faults();
        this.retriesBefore = retries();
        this.exhaustedBefore = exhausted();
    }

    /**
     * The give-up profile's settings ({@code QuarkusTestProfile.getConfigOverrides}): the service's store behind the
     * proxy for {@code marker}, the consumer's budget {@value #TRIES} tries 100 ms apart, each store call tried
     * {@value #STORE_TRIES} times 50 ms apart.
     */
    public static Map<String, String> profile(String marker) {
        return Map.of(
                "softcifar.s3.endpoint",
                FaultyStoreProxy.shared(marker).endpoint(),
                "softcifar.s3.attempts",
                Integer.toString(STORE_TRIES),
                "softcifar.s3.initial-backoff",
                "50ms",
                "softcifar.s3.max-backoff",
                "50ms",
                "softcifar.consumer.retry.max-attempts",
                Integer.toString(TRIES),
                "softcifar.consumer.retry.initial-backoff",
                "100ms",
                "softcifar.consumer.retry.max-backoff",
                "100ms");
    }

    /**
     * Checks that the service's store is the proxy for {@code marker} and notes the counters before the records are
     * sent.
     *
     * @param serviceEndpoint the service's {@code softcifar.s3.endpoint}
     * @param topic           the topic the service consumes
     * @param metrics         the service's Prometheus exposition, read when asked
     */
    public static GiveUpScenario start(String marker, String serviceEndpoint, String topic, Supplier<String> metrics) {
        FaultyStoreProxy proxy = FaultyStoreProxy.shared(marker);
        assertEquals(proxy.endpoint(), serviceEndpoint, "the service talks to the store through the proxy");
        return new GiveUpScenario(proxy, topic, metrics);
    }

    /** Writes the bad record, then the good one, both to partition 0 of the topic: the good one waits behind it. */
    public void send(String badKey, String badValue, String goodKey, String goodValue) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", TestInfrastructure.get().kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer())) {
            badOffset = producer.send(new ProducerRecord<>(topic, 0, badKey, badValue))
                    .get()
                    .offset();
            long goodOffset = producer.send(new ProducerRecord<>(topic, 0, goodKey, goodValue))
                    .get()
                    .offset();
            assertTrue(goodOffset > badOffset, "the good record is after the bad one");
        }
    }

    /**
     * Asserts that the bad record was dead-lettered once as retries-exhausted after
     * {@value #TRIES} tries, that {@code goodKey} was not, that the proxy failed exactly tries × store tries requests,
     * and that the consumer counted {@value #TRIES} − 1 retries and one exhausted record.
     *
     * @return the dead letter's reason, which the domain's failure event must carry too
     */
    public String assertGaveUp(TopicProbe dlq, String badKey, String goodKey) {
        ConsumerRecord<String, String> dead = dlq.await(r -> badKey.equals(r.key()), Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("no dead letter for " + badKey));
        assertEquals("retries-exhausted", header(dead, "softcifar-dlq-kind"));
        assertEquals(Integer.toString(TRIES), header(dead, "softcifar-dlq-attempts"));
        assertEquals(topic, header(dead, "softcifar-dlq-topic"));
        assertEquals(Long.toString(badOffset), header(dead, "softcifar-dlq-offset"));
        String reason = header(dead, "softcifar-dlq-reason");
        assertTrue(reason.startsWith("retries exhausted after " + TRIES + " tries: ObjectStoreException: "), reason);
        assertTrue(reason.contains("ServiceUnavailable") || reason.contains("HTTP status code 503"), reason);
        assertTrue(
                dlq.readFor(Duration.ZERO).stream().noneMatch(r -> goodKey.equals(r.key())),
                "the record after the exhausted one was handled, not dead-lettered");
        assertEquals(
                (long) TRIES * STORE_TRIES,
                proxy.faults() - faultsBefore,
                "503s injected: consumer tries × store tries");
        assertEquals(TRIES - 1, retries() - retriesBefore, "softcifar_consumer_retries_total");
        assertEquals(1.0, exhausted() - exhaustedBefore, "softcifar_consumer_dead_letters_total{retries-exhausted}");
        return reason;
    }

    /** Faults injected since {@link #start}. */
    public long faults() {
        return proxy.faults() - faultsBefore;
    }

    private double retries() {
        return PrometheusText.sum(metrics.get(), "softcifar_consumer_retries_total", "topic", topic)
                .orElse(0);
    }

    private double exhausted() {
        return PrometheusText.sum(
                        metrics.get(),
                        "softcifar_consumer_dead_letters_total",
                        "topic",
                        topic,
                        "kind",
                        "retries-exhausted")
                .orElse(0);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new AssertionError("the dead letter has no header " + name);
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
