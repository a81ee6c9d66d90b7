package io.softcifar.service.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingCancelRequested;
import io.softcifar.contracts.topics.CleanupPolicy;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.service.kafka.KafkaHealthCheck;
import io.softcifar.service.kafka.KafkaSecurity;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.service.kafka.TopicInitializer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services' Kafka stack ({@link KafkaSettings} → {@link EventPublisher}, {@link EventConsumer},
 * {@link TopicInitializer}) against the embedded broker's SASL_SSL listener with SCRAM-SHA-512: what works with the
 * right credentials and CA, and how each wrong setting fails — at once and by name where Kafka reports it, within the
 * send timeout where Kafka only sees a connection closed. Passwords are random per run, with a quote and a backslash
 * to carry the JAAS escaping through a real login.
 */
class KafkaScramTlsIT {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(4);
    private static final String USER = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PASSWORD = "p\"w\\" + UUID.randomUUID();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.builder()
                .optAutoCreateTopics(false)
                .optScramUser(USER, PASSWORD)
                .start();
        System.out.printf(
                "embedded broker with a SASL_SSL listener ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static KafkaSettings settings(KafkaSecurity security) {
        return KafkaSettings.of(kafka.secureBootstrapServers(), false)
                .withSendTimeout(SEND_TIMEOUT)
                .withSecurity(security);
    }

    private static KafkaSecurity scram(String password) {
        return KafkaSecurity.scramOverTls(USER, password, kafka.caCertificate(), Optional.empty());
    }

    private static EventPublisher publisher(KafkaSettings settings) {
        EventPublisher publisher = new EventPublisher();
        publisher.settings = settings;
        return publisher;
    }

    private static String topic() {
        String name = "it.scram." + UUID.randomUUID();
        TopicInitializer.createMissing(
                settings(scram(PASSWORD)).clientProperties(),
                List.of(
                        new TopicSpec(
                                name,
                                1,
                                1,
                                CleanupPolicy.DELETE,
                                Duration.ofHours(1).toMillis(),
                                "test",
                                List.of(),
                                Set.of(),
                                Set.of()),
                        new TopicSpec(
                                name + TopicSpec.DEAD_LETTER_SUFFIX,
                                1,
                                1,
                                CleanupPolicy.DELETE,
                                Duration.ofHours(1).toMillis(),
                                "test",
                                List.of(),
                                Set.of(),
                                Set.of())));
        return name;
    }

    private static EventEnvelope event(String runId) {
        return EventEnvelope.of(new TrainingCancelRequested(runId, "scram test"), null);
    }

    /** Topics created, an event published (PEM CA) and consumed (PKCS12 CA with its password), all over SASL_SSL. */
    @Test
    void withTheRightCredentialsAndCaAnEventGoesThroughTheTlsListener() throws Exception {
        String topic = topic();
        EventPublisher publisher = publisher(settings(scram(PASSWORD)));
        KafkaSettings consumerSettings = settings(KafkaSecurity.scramOverTls(
                USER, PASSWORD, kafka.caTruststore(), Optional.of(kafka.caTruststorePassword())));
        CompletableFuture<String> received = new CompletableFuture<>();
        try (EventConsumer consumer = EventConsumer.builder()
                .kafka(consumerSettings)
                .groupId("g-" + UUID.randomUUID())
                .topics(List.of(topic))
                .deadLetters(publisher)
                .handler((e, record) -> received.complete(record.key() + " " + EventCodec.encode(e)))
                .build()
                .start()) {
            publisher.publish(topic, "run-1", event("run-1"));
            String got = received.get(30, TimeUnit.SECONDS);
            assertThat(got).startsWith("run-1 ").contains("\"runId\":\"run-1\"", "scram test");
        } finally {
            publisher.close();
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceWithKafkasAuthenticationError() {
        String topic = topic();
        EventPublisher publisher = publisher(settings(scram(PASSWORD + "x")));
        long t0 = System.nanoTime();
        try {
            assertThatThrownBy(() -> publisher.publish(topic, "run-2", event("run-2")))
                    .isInstanceOf(EventPublisher.EventPublishException.class)
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                    .rootCause()
                    .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
        } finally {
            publisher.close();
        }
        // an authentication failure is final for the request, not retried until the send timeout
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(SEND_TIMEOUT);
        // and readiness says why
        KafkaHealthCheck health = KafkaHealthCheck.of(settings(scram(PASSWORD + "x")));
        try {
            HealthCheckResponse response = health.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow().get("reason").toString())
                    .contains("invalid credentials with SASL mechanism SCRAM-SHA-512");
        } finally {
            health.close();
        }
    }

    @Test
    void aTlsClientThatDoesNotTrustTheCaFailsAtOnceWithAnSslError() {
        String topic = topic();
        KafkaSecurity noCa = KafkaSecurity.of(
                "SASL_SSL",
                "SCRAM-SHA-512",
                Optional.of(USER),
                Optional.of(PASSWORD),
                Optional.empty(),
                Optional.empty());
        EventPublisher publisher = publisher(settings(noCa));
        long t0 = System.nanoTime();
        try {
            assertThatThrownBy(() -> publisher.publish(topic, "run-3", event("run-3")))
                    .isInstanceOf(EventPublisher.EventPublishException.class)
                    .cause()
                    .isInstanceOf(SslAuthenticationException.class)
                    .hasMessageContaining("SSL handshake failed");
        } finally {
            publisher.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(SEND_TIMEOUT);
    }

    /**
     * A client without TLS (plaintext, or SASL without TLS) reaches the TLS listener, which closes each connection
     * on the first bytes; Kafka's client sees only disconnections and gives up when the send timeout is over, with
     * the broker's address in no error. The failure is bounded, not a hang: here 4 s, in the services
     * {@code softcifar.kafka.send-timeout} (readiness says "no answer from HOST:PORT within 5000 ms").
     */
    @Test
    void aClientWithoutTlsFailsWithinTheSendTimeoutInsteadOfHanging() {
        String topic = topic();
        for (KafkaSecurity withoutTls : List.of(
                KafkaSecurity.PLAINTEXT,
                KafkaSecurity.of(
                        "SASL_PLAINTEXT",
                        "SCRAM-SHA-512",
                        Optional.of(USER),
                        Optional.of(PASSWORD),
                        Optional.empty(),
                        Optional.empty()))) {
            EventPublisher publisher = publisher(settings(withoutTls));
            long t0 = System.nanoTime();
            try {
                assertThatThrownBy(() -> publisher.publish(topic, "run-4", event("run-4")))
                        .as(withoutTls.protocol())
                        .isInstanceOf(EventPublisher.EventPublishException.class)
                        .cause()
                        .hasMessageContaining("not present in metadata after " + SEND_TIMEOUT.toMillis() + " ms");
            } finally {
                publisher.close();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took)
                    .as(withoutTls.protocol())
                    .isGreaterThanOrEqualTo(SEND_TIMEOUT)
                    .isLessThan(SEND_TIMEOUT.plusSeconds(3));
        }
        // readiness gives up after its own 5 s and names the likely cause
        KafkaHealthCheck health = KafkaHealthCheck.of(settings(KafkaSecurity.PLAINTEXT));
        try {
            HealthCheckResponse response = health.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow().get("reason").toString())
                    .isEqualTo(
                            "no answer from "
                                    + kafka.secureBootstrapServers()
                                    + " within 5000 ms (softcifar.kafka.security-protocol is "
                                    + "PLAINTEXT: if the listener uses TLS, it drops this service's connections without an error)");
        } finally {
            health.close();
        }
    }
}
