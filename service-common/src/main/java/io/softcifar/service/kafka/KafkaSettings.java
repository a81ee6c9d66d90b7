package io.softcifar.service.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Kafka connection of a service: the standard {@code kafka.bootstrap.servers}, and whether to create the topics.
 *
 * <p>Plain properties, not a {@code @ConfigMapping} on the {@code kafka} prefix: a mapping would reject every other
 * {@code kafka.*} key a deployment sets (security protocol, SASL, …) as unknown.
 */
@ApplicationScoped
public class KafkaSettings {

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    /**
     * Create every topic of the contracts module (partitions, cleanup policy, retention) on start if it is missing.
     * On Kubernetes the Strimzi {@code KafkaTopic} resources own the topics and this is off.
     */
    @ConfigProperty(name = "softcifar.kafka.create-topics", defaultValue = "true")
    boolean createTopics;

    /**
     * How long a publish may wait for the broker before it fails (a retryable failure: the consumer that was handling
     * an event tries it again later).
     */
    @ConfigProperty(name = "softcifar.kafka.send-timeout", defaultValue = "30s")
    java.time.Duration sendTimeout;

    /** Settings outside CDI (tools, tests). */
    public static KafkaSettings of(String bootstrapServers, boolean createTopics) {
        KafkaSettings settings = new KafkaSettings();
        settings.bootstrapServers = bootstrapServers;
        settings.createTopics = createTopics;
        settings.sendTimeout = java.time.Duration.ofSeconds(30);
        return settings;
    }

    /** The same settings with another send timeout (tests set it low, so an outage outlasts it). */
    public KafkaSettings withSendTimeout(java.time.Duration timeout) {
        KafkaSettings settings = of(bootstrapServers, createTopics);
        settings.sendTimeout = timeout;
        return settings;
    }

    public java.time.Duration sendTimeout() {
        return sendTimeout;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean createTopics() {
        return createTopics;
    }
}
