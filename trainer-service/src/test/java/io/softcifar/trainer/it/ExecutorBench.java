package io.softcifar.trainer.it;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.service.kafka.TopicInitializer;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.trainer.service.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the in-process {@code RunExecutor} tests share: the topics, the bucket with a 200-image dataset, an event sink
 * that publishes synchronously to the real broker, and a work folder.
 */
final class ExecutorBench implements AutoCloseable {

    final ObjectStore store;
    final EventSink sink;
    final Path work;
    private final KafkaProducer<String, String> producer;

    private ExecutorBench(ObjectStore store, KafkaProducer<String, String> producer, Path work) {
        this.store = store;
        this.producer = producer;
        this.work = work;
        this.sink = (topic, key, event) -> {
            try {
                producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(event)))
                        .get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static ExecutorBench open(TestInfrastructure infra, String dataset, String workPrefix) throws Exception {
        TopicInitializer.createMissing(infra.kafkaBootstrapServers(), Topics.all());
        ObjectStore store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
        store.ensureBucket();
        KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        TestDatasets.upload(store, dataset, 200, 0);
        return new ExecutorBench(store, producer, Files.createTempDirectory(workPrefix));
    }

    @Override
    public void close() {
        producer.close();
        store.close();
    }
}
