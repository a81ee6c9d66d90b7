package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.softcifar.infra.local.InfrastructureException;
import io.softcifar.infra.local.KafkaAdmin;
import io.softcifar.infra.local.TopicSpec;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 'containers' mode. It needs Docker; where there is none (this project's CI, most of its machines) the test
 * that needs it is skipped with a message, never failed.
 */
class ContainersInfrastructureIT {

    private static boolean docker;

    @BeforeAll
    static void probeDocker() {
        docker = ContainersBackend.dockerAvailable();
    }

    @Test
    void startsKafkaAndTheS3ServerFromTheirImages() throws Exception {
        assumeTrue(
                docker,
                "No Docker engine answers here, so the 'containers' mode ("
                        + ContainersBackend.KAFKA_IMAGE + ", " + ContainersBackend.S3_IMAGE + ") is not checked;"
                        + " the embedded mode is tested instead");

        try (InfrastructureBackend backend = ContainersBackend.start()) {
            KafkaAdmin.createTopics(backend.kafkaBootstrapServers(), List.of(TopicSpec.of("it.containers", 1)));
            TopicProbe.send(backend.kafkaBootstrapServers(), "it.containers", "k", "from a container");
            try (TopicProbe probe = new TopicProbe(backend.kafkaBootstrapServers(), "it.containers")) {
                assertThat(probe.await(r -> true, Duration.ofSeconds(30)))
                        .map(ConsumerRecord::value)
                        .contains("from a container");
            }

            assertThat(S3Clients.roundTrip(
                            backend.s3Endpoint(),
                            backend.s3AccessKey(),
                            backend.s3SecretKey(),
                            "softcifar-test",
                            "it/containers.txt",
                            "stored in SeaweedFS"))
                    .isEqualTo("stored in SeaweedFS");
        }
    }

    @Test
    void withoutDockerTheContainersModeSaysWhatToDo() {
        assumeFalse(docker, "Docker is available, so the no-Docker message cannot be checked here");

        assertThatThrownBy(ContainersBackend::start)
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("needs a Docker engine")
                .hasMessageContaining("-Dsoftcifar.test.infra=embedded");
    }
}
