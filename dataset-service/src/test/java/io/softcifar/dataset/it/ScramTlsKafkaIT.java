package io.softcifar.dataset.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
import io.softcifar.service.kafka.TopicInitializer;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The dataset-service with its Kafka clients on SASL_SSL + SCRAM-SHA-512 and only the ACLs of its KafkaUser, as in
 * Kubernetes: an embedded broker of its own with an authorizer (Kafka's StandardAuthorizer: no ACL, no access), the
 * topics created beforehand by the test (as Strimzi's Topic Operator does; the service does not create topics), the
 * ACLs of {@code deploy/k8s/base/kafka/users.yaml}'s KafkaUser {@code dataset-service} created through the admin API,
 * and the service configured through the same {@code softcifar.kafka.*} properties its Deployment sets. The service
 * reports Kafka ready, answers a {@code dataset.requested} with {@code dataset.ready}, dead-letters a poison record,
 * and its user is refused a topic it has no ACL for. The test's own clients are a super user with hand-written Kafka
 * client properties (not the service's KafkaSecurity). The S3 server is the shared one of the other ITs.
 */
@QuarkusTest
@QuarkusTestResource(value = ScramTlsKafkaIT.ScramBroker.class, restrictToAnnotatedClass = true)
class ScramTlsKafkaIT {

    static final String SERVICE_USER = "dataset-service";
    static final String TEST_USER = "it-client";
    static final Path USERS_YAML = Path.of("../deploy/k8s/base/kafka/users.yaml");

    /** Starts the SCRAM/TLS broker with ACLs and points the service at it; passwords random per run. */
    public static class ScramBroker implements QuarkusTestResourceLifecycleManager {
        private EmbeddedKafka kafka;

        @Override
        public Map<String, String> start() {
            String password = UUID.randomUUID().toString();
            String testPassword = UUID.randomUUID().toString();
            // the first user is the one start() checks the listener with
            kafka = EmbeddedKafka.builder()
                    .optAutoCreateTopics(false)
                    .optAclAuthorizer(TEST_USER)
                    .optScramUser(TEST_USER, testPassword)
                    .optScramUser(SERVICE_USER, password)
                    .start();
            TopicInitializer.createMissing(kafka.bootstrapServers(), Topics.all());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createAcls(manifestAcls(SERVICE_USER)).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not create the ACLs of " + SERVICE_USER + ": " + e, e);
            }
            Map<String, String> config =
                    new HashMap<>(InfrastructureTestResource.serviceConfig(TestInfrastructure.get()));
            config.put("kafka.bootstrap.servers", kafka.secureBootstrapServers());
            config.put("softcifar.kafka.security-protocol", "SASL_SSL");
            config.put("softcifar.kafka.sasl.mechanism", "SCRAM-SHA-512");
            config.put("softcifar.kafka.sasl.username", SERVICE_USER);
            config.put("softcifar.kafka.sasl.password", password);
            config.put("softcifar.kafka.truststore.file", kafka.caCertificate().toString());
            config.put("softcifar.kafka.create-topics", "false");
            config.put("it.kafka.test-user-password", testPassword);
            return config;
        }

        @Override
        public void stop() {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** The ACLs of KafkaUser {@code user} in the manifests, as Kafka ACL bindings for {@code User:<user>}. */
    static List<AclBinding> manifestAcls(String user) throws java.io.IOException {
        List<AclBinding> bindings = new java.util.ArrayList<>();
        try (var docs = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(USERS_YAML.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (!"KafkaUser".equals(doc.path("kind").asText())
                        || !user.equals(doc.path("metadata").path("name").asText())) {
                    continue;
                }
                for (JsonNode acl : doc.path("spec").path("authorization").path("acls")) {
                    JsonNode resource = acl.path("resource");
                    ResourcePattern pattern = new ResourcePattern(
                            ResourceType.fromString(resource.path("type").asText()),
                            resource.path("name").asText(),
                            "prefix".equals(resource.path("patternType").asText())
                                    ? PatternType.PREFIXED
                                    : PatternType.LITERAL);
                    for (JsonNode operation : acl.path("operations")) {
                        bindings.add(new AclBinding(
                                pattern,
                                new AccessControlEntry(
                                        "User:" + user,
                                        "*",
                                        AclOperation.fromString(operation.asText()),
                                        AclPermissionType.ALLOW)));
                    }
                }
            }
        }
        assertThat(bindings).as("KafkaUser %s in %s", user, USERS_YAML).isNotEmpty();
        return bindings;
    }

    /** Kafka client properties for SCRAM over TLS, written out here. */
    private static Map<String, Object> client(String user, String password) {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class));
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", config.getValue("softcifar.kafka.truststore.file", String.class));
        return props;
    }

    private static Map<String, Object> testClient() {
        return client(TEST_USER, ConfigProvider.getConfig().getValue("it.kafka.test-user-password", String.class));
    }

    @Test
    void theServiceWorksOverSaslSslWithExactlyItsAcls() throws Exception {
        given().get(ManagementPort.url("/q/health/ready"))
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'Kafka connection health check' }.status", equalTo("UP"))
                .body("checks.name", hasItem("object-store"));

        Path dir = SyntheticData.writeCifar10hFolder(Files.createTempDirectory("dataset-scram-it"), 120, 4242);
        String requestId = "req-scram-" + UUID.randomUUID();
        String poisonKey = "poison-scram-" + UUID.randomUUID();
        DatasetSpec spec = new DatasetSpec(
                null,
                new Sources(dir.toString(), false, null, null, null, null, null, null),
                null,
                List.of(3L),
                null,
                null,
                null,
                null);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(testClient(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DATASET_REQUESTS, poisonKey, "{not an event"))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.DATASET_REQUESTS,
                            requestId,
                            EventCodec.encode(EventEnvelope.of(new DatasetRequested(requestId, spec), null))))
                    .get();
        }

        // dataset.ready on the state topic (Write), the poison record on the dead-letter topic (Write), read as it
        // came in through the group dataset-service (Read on the topic and the group)
        Map<String, Object> props = testClient();
        props.put("group.id", "it-scram-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DATASET_STATE, Topics.DATASET_REQUESTS + ".dlq"));
            Optional<DatasetReady> ready = Optional.empty();
            boolean deadLettered = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((ready.isEmpty() || !deadLettered) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(Topics.DATASET_STATE) && r.value().contains(DatasetReady.TYPE)) {
                        ready = EventCodec.decode(r.value()).payloadAs(DatasetReady.class);
                    }
                    deadLettered |= r.topic().endsWith(".dlq") && poisonKey.equals(r.key());
                }
            }
            DatasetReady got = ready.orElseThrow(() ->
                    new AssertionError("no dataset.ready on " + Topics.DATASET_STATE + " within 60 s over SASL_SSL"));
            // 120 images, one seed: the request's
            assertThat(got.summary().images()).isEqualTo(120);
            assertThat(got.summary().seeds()).containsExactly(3L);
            assertThat(got.datasetId()).startsWith("ds-");
            assertThat(deadLettered)
                    .as("the poison record reached the dead-letter topic")
                    .isTrue();
        }
    }

    /** The authorizer is on and the ACLs are the manifest's: the service's user may not write another topic. */
    @Test
    void theServicesUserIsRefusedATopicItHasNoAclFor() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> props =
                client(SERVICE_USER, config.getValue("softcifar.kafka.sasl.password", String.class));
        props.put("max.block.ms", 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, "run-x", "{}"))
                            .get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.TRAINING_REQUESTS);
        }
    }
}
