package io.softcifar.results.it;

import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.testsupport.TestInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** The results-service ITs play the other services: they publish those services' events to the real broker. */
final class EventWire implements AutoCloseable {

    final String bootstrap;
    private final KafkaProducer<String, String> producer;

    private EventWire(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
    }

    /** A producer on the shared test broker. */
    static EventWire open() {
        return new EventWire(TestInfrastructure.get().kafkaBootstrapServers());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes {@code event} and waits until the broker has it; returns the envelope sent. */
    EventEnvelope publish(String topic, String key, Event event, Correlation correlation) {
        EventEnvelope envelope = EventEnvelope.of(event, correlation);
        try {
            producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(envelope)))
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return envelope;
    }

    /** A ready dataset of 400 images with seeds 0..19 (320/20/60 per seed), as the dataset service announces it. */
    void datasetReady(String datasetId) {
        publish(
                Topics.DATASET_STATE,
                datasetId,
                new DatasetReady(
                        datasetId,
                        ObjectKeys.manifest(datasetId),
                        new DatasetSummary(
                                400,
                                List.of(40, 40, 40, 40, 40, 40, 40, 40, 40, 40),
                                0.15,
                                IntStream.range(0, 20).mapToObj(i -> (long) i).toList(),
                                Map.of("train", 320, "validation", 20, "test", 60))),
                Correlation.ofDataset(datasetId));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
