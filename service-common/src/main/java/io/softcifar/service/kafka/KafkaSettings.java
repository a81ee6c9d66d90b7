package io.softcifar.service.kafka;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Kafka connection of a service: the standard {@code kafka.bootstrap.servers}, whether to create the topics, and
 * how to authenticate ({@link KafkaSecurity}: {@code softcifar.kafka.security-protocol}, {@code .sasl.*},
 * {@code .truststore.*}). Every Kafka client of the services takes its properties from {@link #clientProperties()}.
 * The security settings are checked when the service starts: a bad combination stops it with one line naming the
 * property.
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

    @ConfigProperty(name = KafkaSecurity.PROTOCOL, defaultValue = "PLAINTEXT")
    String securityProtocol;

    @ConfigProperty(name = KafkaSecurity.MECHANISM, defaultValue = "SCRAM-SHA-512")
    String saslMechanism;

    @ConfigProperty(name = KafkaSecurity.USERNAME)
    Optional<String> saslUsername;

    @ConfigProperty(name = KafkaSecurity.PASSWORD)
    Optional<String> saslPassword;

    @ConfigProperty(name = KafkaSecurity.TRUSTSTORE)
    Optional<String> truststoreFile;

    @ConfigProperty(name = KafkaSecurity.TRUSTSTORE_PASSWORD)
    Optional<String> truststorePassword;

    private volatile KafkaSecurity security;

    /** Settings outside CDI (tools, tests): plaintext. */
    public static KafkaSettings of(String bootstrapServers, boolean createTopics) {
        KafkaSettings settings = new KafkaSettings();
        settings.bootstrapServers = bootstrapServers;
        settings.createTopics = createTopics;
        settings.sendTimeout = java.time.Duration.ofSeconds(30);
        settings.security = KafkaSecurity.PLAINTEXT;
        return settings;
    }

    /** The same settings with another send timeout (tests set it low, so an outage outlasts it). */
    public KafkaSettings withSendTimeout(java.time.Duration timeout) {
        KafkaSettings settings = of(bootstrapServers, createTopics);
        settings.sendTimeout = timeout;
        settings.security = security();
        return settings;
    }

    /** The same settings with another way to authenticate (validated when a client is built). */
    public KafkaSettings withSecurity(KafkaSecurity newSecurity) {
        KafkaSettings settings = of(bootstrapServers, createTopics);
        settings.sendTimeout = sendTimeout;
        settings.security = newSecurity;
        return settings;
    }

    /** Fails the start, before the topics are created and the consumers start, when the security settings clash. */
    void checkOnStart(@Observes @Priority(5) StartupEvent event) {
        security().validated();
        // toString shows no password
        org.jboss.logging.Logger.getLogger(KafkaSettings.class).infof("Kafka at %s: %s", bootstrapServers, security());
    }

    /** The security settings, read once from the configuration. */
    public KafkaSecurity security() {
        KafkaSecurity s = security;
        if (s == null) {
            s = KafkaSecurity.of(
                    securityProtocol, saslMechanism, saslUsername, saslPassword, truststoreFile, truststorePassword);
            security = s;
        }
        return s;
    }

    /**
     * {@code bootstrap.servers} and the security properties, for any producer, consumer or admin client; the caller
     * adds its own settings. Holds the password when SASL is on: never log it.
     *
     * @throws IllegalArgumentException naming the property, when the security settings clash
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(security().clientProperties());
        return props;
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
