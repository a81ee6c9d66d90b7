package io.softcifar.dataset.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetRequested;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The dataset-service with its Kafka clients on SASL_SSL + SCRAM-SHA-512, as in Kubernetes: an embedded broker of its
 * own whose only client listener for the service is the TLS one (topic auto-creation off), the service configured
 * through the same {@code softcifar.kafka.*} properties its Deployment sets from the KafkaUser and cluster CA Secrets.
 * The service creates its topics, answers a {@code dataset.requested} with {@code dataset.ready}, and reports Kafka
 * ready, all over that listener. The test's own clients use hand-written Kafka client properties (not the service's
 * KafkaSecurity). The S3 server is the shared one of the other ITs.
 */
@QuarkusTest
@QuarkusTestResource(value = ScramTlsKafkaIT.ScramBroker.class, restrictToAnnotatedClass = true)
class ScramTlsKafkaIT {

    /** Starts the SCRAM/TLS broker and points the service at it; user and password random per run. */
    public static class ScramBroker implements QuarkusTestResourceLifecycleManager {
        private EmbeddedKafka kafka;

        @Override
        public Map<String, String> start() {
            String user = "dataset-service";
            String password = UUID.randomUUID().toString();
            kafka = EmbeddedKafka.builder().optAutoCreateTopics(false).optScramUser(user, password).start();
            Map<String, String> config = new HashMap<>(InfrastructureTestResource.serviceConfig(TestInfrastructure.get()));
            config.put("kafka.bootstrap.servers", kafka.secureBootstrapServers());
            config.put("softcifar.kafka.security-protocol", "SASL_SSL");
            config.put("softcifar.kafka.sasl.mechanism", "SCRAM-SHA-512");
            config.put("softcifar.kafka.sasl.username", user);
            config.put("softcifar.kafka.sasl.password", password);
            config.put("softcifar.kafka.truststore.file", kafka.caCertificate().toString());
            config.put("softcifar.kafka.create-topics", "true");
            return config;
        }

        @Override
        public void stop() {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** The test's clients: the Kafka client properties for SCRAM over TLS, written out here. */
    private static Map<String, Object> client() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class));
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + config.getValue("softcifar.kafka.sasl.username", String.class) + "\" password=\""
                + config.getValue("softcifar.kafka.sasl.password", String.class) + "\";");
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", config.getValue("softcifar.kafka.truststore.file", String.class));
        return props;
    }

    @Test
    void theServiceCreatesItsTopicsAndAnswersARequestOverSaslSsl() throws Exception {
        // the broker creates no topic on its own: the service's TopicInitializer made these over SASL_SSL
        try (Admin admin = Admin.create(client())) {
            assertThat(admin.listTopics().names().get()).contains(Topics.DATASET_REQUESTS, Topics.DATASET_STATE,
                    Topics.DATASET_REQUESTS + ".dlq");
        }
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka connection health check' }.status", equalTo("UP"))
                .body("checks.name", hasItem("object-store"));

        Path dir = SyntheticData.writeCifar10hFolder(Files.createTempDirectory("dataset-scram-it"), 120, 4242);
        String requestId = "req-scram-" + UUID.randomUUID();
        DatasetSpec spec = new DatasetSpec(null, new Sources(dir.toString(), false, null, null, null, null, null, null),
                null, List.of(3L), null, null, null, null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DATASET_REQUESTS, requestId,
                    EventCodec.encode(EventEnvelope.of(new DatasetRequested(requestId, spec), null)))).get();
        }

        Map<String, Object> props = client();
        props.put("group.id", "it-scram-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DATASET_STATE));
            Optional<DatasetReady> ready = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ready.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().contains(DatasetReady.TYPE)) {
                        ready = EventCodec.decode(r.value()).payloadAs(DatasetReady.class);
                    }
                }
            }
            DatasetReady got = ready.orElseThrow(() -> new AssertionError(
                    "no dataset.ready on " + Topics.DATASET_STATE + " within 60 s over SASL_SSL"));
            // 120 images, one seed: the request's, not another test's
            assertThat(got.summary().images()).isEqualTo(120);
            assertThat(got.summary().seeds()).containsExactly(3L);
            assertThat(got.datasetId()).startsWith("ds-");
        }
    }
}
