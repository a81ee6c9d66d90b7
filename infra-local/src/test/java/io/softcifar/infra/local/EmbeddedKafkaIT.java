package io.softcifar.infra.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One embedded broker for the class, with automatic topic creation off (the setting under test). */
class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().optAutoCreateTopics(false).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void listensOnLoopbackAtTheReportedPort() {
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.brokerPort());
        assertThat(kafka.controllerPort()).isNotEqualTo(kafka.brokerPort());
    }

    @Test
    void deliversAProducedRecordToAConsumer() throws Exception {
        kafka.createTopics(TopicSpec.of("it.echo", 1));

        KafkaClients.send(kafka.bootstrapServers(), "it.echo", "run-7", "{\"epoch\":1}");

        List<ConsumerRecord<String, String>> records =
                KafkaClients.read(kafka.bootstrapServers(), "it.echo", 1, Duration.ofSeconds(20));
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("run-7");
            assertThat(record.value()).isEqualTo("{\"epoch\":1}");
        });
    }

    @Test
    void createsACompactedTopicWithItsPartitionsAndConfig() throws Exception {
        kafka.createTopics(
                new TopicSpec("it.state", 3, Map.of("cleanup.policy", "compact", "retention.ms", "3600000")));

        TopicDescription description =
                admin.describeTopics(List.of("it.state")).allTopicNames().get().get("it.state");
        assertThat(description.partitions()).hasSize(3);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "it.state");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
    }

    @Test
    void creatingAnExistingTopicAgainIsNotAnError() throws Exception {
        kafka.createTopics(TopicSpec.of("it.twice", 2));
        kafka.createTopics(TopicSpec.of("it.twice", 2), TopicSpec.of("it.twice-sibling", 1));

        // the broker's metadata follows the controller's a moment later (seen once: the sibling not yet listed)
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(admin.listTopics().names().get()).contains("it.twice", "it.twice-sibling"));
    }

    @Test
    void appliesTheAutoCreateSettingToTheBroker() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
    }

    @Test
    void aBadBrokerSettingIsReportedBeforeAnythingStarts() {
        assertThatThrownBy(() -> EmbeddedKafka.builder()
                        .optBrokerProperty("num.partitions", "many")
                        .start())
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("Kafka refused the broker settings")
                .hasMessageContaining("num.partitions");
    }

    @Test
    void aTakenPortFailsFastWithAMessageNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.builder().optBrokerPort(port).start())
                    .isInstanceOf(InfrastructureException.class)
                    .hasMessageContaining("Kafka broker port 127.0.0.1:" + port + " is already in use");
        }
    }
}
