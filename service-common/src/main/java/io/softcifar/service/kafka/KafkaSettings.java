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

    /** Settings outside CDI (tools, tests). */
    public static KafkaSettings of(String bootstrapServers, boolean createTopics) {
        KafkaSettings settings = new KafkaSettings();
        settings.bootstrapServers = bootstrapServers;
        settings.createTopics = createTopics;
        return settings;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean createTopics() {
        return createTopics;
    }
}
