package io.softcifar.service.events;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.service.kafka.KafkaSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events, encoded by the one {@link EventCodec}. Sends are synchronous (acks=all, idempotent producer):
 * a service only moves on — commits the offset it was working on, answers the HTTP call — once its event is in
 * Kafka, so a crash in between means a redelivery, never a lost event.
 */
@ApplicationScoped
public class EventPublisher {

    @Inject
    KafkaSettings settings;

    /** How much longer than the delivery timeout {@link #send} waits for the producer's verdict. */
    static final Duration VERDICT_GRACE = Duration.ofSeconds(5);

    private volatile KafkaProducer<String, String> producer;

    /** Publishes {@code event} to {@code topic} under {@code key} (the id the topic is keyed by). */
    public void publish(String topic, String key, EventEnvelope event) {
        send(new ProducerRecord<>(topic, key, EventCodec.encode(event)));
    }

    /** Publishes a raw value with headers: used for dead letters, whose value may not even be JSON. */
    public void publishRaw(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    /**
     * Sends and waits for the producer's own verdict. The producer reports success or failure within
     * {@code delivery.timeout.ms} (= the send timeout) of {@code send()}; the wait here is longer by
     * {@link #VERDICT_GRACE}, so a failure this method reports is one the producer has reported too and the record can
     * no longer arrive later behind the caller's retry (waiting exactly as long raced with a delivery that was just
     * completing and published the event twice). If even the grace passes, the producer is closed at once, which
     * fails whatever it still holds, and the next publish starts a new one.
     */
    private void send(ProducerRecord<String, String> record) {
        KafkaProducer<String, String> p = producer();
        try {
            p.send(record).get(deliveryTimeoutMs() + VERDICT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new EventPublishException(record.topic(), e.getCause());
        } catch (TimeoutException e) {
            discard(p);
            throw new EventPublishException(record.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventPublishException(record.topic(), e);
        }
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.putAll(settings.clientProperties());
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
                    int timeout = deliveryTimeoutMs();
                    // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(20_000, timeout - 5));
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) timeout);
                    producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    private int deliveryTimeoutMs() {
        return (int) Math.max(1_000, settings.sendTimeout().toMillis());
    }

    private synchronized void discard(KafkaProducer<String, String> p) {
        if (producer == p) {
            producer = null;
        }
        p.close(Duration.ZERO);
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(10));
        }
    }

    /** Kafka did not take the event in time; the message names the topic and the cause. */
    public static final class EventPublishException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EventPublishException(String topic, Throwable cause) {
            super("publishing to " + topic + " failed: " + cause.getMessage(), cause);
        }
    }
}
