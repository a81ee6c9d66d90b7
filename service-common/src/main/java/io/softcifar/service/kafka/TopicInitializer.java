package io.softcifar.service.kafka;

import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.contracts.topics.Topics;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

/**
 * Creates the topics of {@link Topics} that do not exist yet, with their partitions and configs, before any
 * consumer of this service starts (observer priority). Existing topics are left as they are.
 */
@ApplicationScoped
public class TopicInitializer {

    private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

    void onStart(@Observes @Priority(10) StartupEvent event, KafkaSettings settings) {
        if (!settings.createTopics()) {
            return;
        }
        try {
            createMissing(settings.clientProperties(), Topics.all());
        } catch (RuntimeException e) {
            // the broker may come later (compose start order); consumers retry and readiness says why
            LOG.warnf("could not create topics on %s: %s", settings.bootstrapServers(), e.getMessage());
        }
    }

    /** Creates the missing ones of {@code topics} on a plaintext broker; returns the names it created. */
    public static List<String> createMissing(String bootstrapServers, List<TopicSpec> topics) {
        return createMissing(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /**
     * Creates the missing ones of {@code topics}; returns the names it created. {@code clientProperties}: bootstrap
     * servers and security settings ({@link KafkaSettings#clientProperties()}).
     */
    public static List<String> createMissing(Map<String, Object> clientProperties, List<TopicSpec> topics) {
        Object bootstrapServers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) t.replication()).configs(t.kafkaConfig()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.infof(
                        "created topics %s",
                        missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                return List.of(); // a replica of another service created it at the same time
            }
            throw new IllegalStateException(
                    "creating topics failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 20 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
