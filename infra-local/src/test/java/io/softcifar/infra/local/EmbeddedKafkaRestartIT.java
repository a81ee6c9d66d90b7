package io.softcifar.infra.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code softcifar up} case: a kept data directory and fixed ports, stopped and started again. */
class EmbeddedKafkaRestartIT {

    @Test
    void keepsClusterTopicsAndRecordsAcrossARestart(@TempDir Path dataDir) throws Exception {
        int brokerPort = LoopbackPorts.pickFree();
        int controllerPort = LoopbackPorts.pickFree();
        String clusterId;

        try (EmbeddedKafka first = EmbeddedKafka.builder()
                .optDataDir(dataDir)
                .optBrokerPort(brokerPort)
                .optControllerPort(controllerPort)
                .start()) {
            first.createTopics(TopicSpec.of("it.kept", 1));
            KafkaClients.send(first.bootstrapServers(), "it.kept", "k", "before restart");
            clusterId = clusterId(dataDir);
        }
        assertThat(dataDir.resolve("logs").resolve("meta.properties"))
                .as("kept after close")
                .isRegularFile();

        try (EmbeddedKafka second = EmbeddedKafka.builder()
                .optDataDir(dataDir)
                .optBrokerPort(brokerPort)
                .optControllerPort(controllerPort)
                .start()) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            assertThat(clusterId(dataDir)).as("not formatted again").isEqualTo(clusterId);
            assertThat(KafkaClients.read(second.bootstrapServers(), "it.kept", 1, Duration.ofSeconds(20)))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before restart");
        }
    }

    private static String clusterId(Path dataDir) throws IOException {
        Properties meta = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("logs").resolve("meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }
}
