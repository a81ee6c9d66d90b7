package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.infra.local.TopicSpec;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleLogger;

@WithInfrastructure
class SharedInfrastructureIT {

    @Test
    void injectsTheOneSharedInstance(TestInfrastructure infra) {
        assertThat(infra).isSameAs(TestInfrastructure.get());
        if (System.getProperty(InfrastructureMode.PROPERTY) == null && System.getenv(InfrastructureMode.ENV) == null) {
            assertThat(infra.mode()).isEqualTo(InfrastructureMode.EMBEDDED);
        }
        assertThat(infra.bucket()).isEqualTo("softcifar-test");
    }

    @Test
    void servesKafka(TestInfrastructure infra) throws Exception {
        infra.createTopics(TopicSpec.of("it.infra", 1));
        TopicProbe.send(infra.kafkaBootstrapServers(), "it.infra", "k", "v");

        try (TopicProbe probe = new TopicProbe(infra.kafkaBootstrapServers(), "it.infra")) {
            assertThat(probe.await(r -> true, Duration.ofSeconds(20)))
                    .map(ConsumerRecord::value)
                    .contains("v");
        }
    }

    @Test
    void servesS3(TestInfrastructure infra) throws Exception {
        assertThat(S3Clients.roundTrip(
                        infra.s3Endpoint(),
                        infra.s3AccessKey(),
                        infra.s3SecretKey(),
                        infra.bucket(),
                        "it/infra.txt",
                        "stored"))
                .isEqualTo("stored");
    }

    @Test
    void quarkusTestResourcePointsServicesAtTheSameServers(TestInfrastructure infra) {
        InfrastructureTestResource resource = new InfrastructureTestResource();
        Map<String, String> config = resource.start();
        resource.stop();

        assertThat(config)
                .containsEntry("kafka.bootstrap.servers", infra.kafkaBootstrapServers())
                .containsEntry("softcifar.s3.endpoint", infra.s3Endpoint())
                .containsEntry("softcifar.s3.bucket", infra.bucket());
        assertThat(TestInfrastructure.get().kafkaBootstrapServers())
                .as("still running after stop()")
                .isEqualTo(infra.kafkaBootstrapServers());
    }

    /** What Quarkus does: load this class again in a class loader of its own. It must not start a second broker. */
    @Test
    void aCopyInAnotherClassLoaderUsesTheSameServers(TestInfrastructure infra) throws Exception {
        assertThat(TestInfrastructure.class.getClassLoader())
                .as("precondition: tests run in the system class loader")
                .isSameAs(ClassLoader.getSystemClassLoader());
        URL[] classpath = {
            location(TestInfrastructure.class), location(io.softcifar.infra.local.InfrastructureException.class),
            location(LoggerFactory.class), location(SimpleLogger.class)
        };
        try (URLClassLoader isolated = new URLClassLoader(classpath, ClassLoader.getPlatformClassLoader())) {
            Class<?> copy = Class.forName(TestInfrastructure.class.getName(), true, isolated);
            assertThat(copy).isNotSameAs(TestInfrastructure.class);

            Object other = copy.getMethod("get").invoke(null);

            assertThat(copy.getMethod("kafkaBootstrapServers").invoke(other)).isEqualTo(infra.kafkaBootstrapServers());
            assertThat(copy.getMethod("s3Endpoint").invoke(other)).isEqualTo(infra.s3Endpoint());
        }
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
