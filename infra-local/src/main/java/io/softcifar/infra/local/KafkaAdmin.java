package io.softcifar.infra.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two admin operations the infrastructure needs, for the embedded broker and the container alike: wait until a
 * broker answers, and create topics.
 */
public final class KafkaAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAdmin.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private KafkaAdmin() {}

    /**
     * Blocks until the broker at {@code bootstrapServers} lists itself in the cluster metadata, which is when
     * producers, consumers and topic creation work, or until {@code deadline} ({@link System#nanoTime()}) has
     * passed; {@code timeout} is the whole wait, for the message.
     */
    public static void awaitReady(String bootstrapServers, long deadline, Duration timeout) {
        awaitReady(bootstrapServers, Map.of(), deadline, timeout);
    }

    /** The same with further client settings ({@code security.protocol}, SASL, truststore) for the listener. */
    public static void awaitReady(
            String bootstrapServers, Map<String, Object> clientSettings, long deadline, Duration timeout) {
        Throwable lastError = null;
        try (Admin admin = create(bootstrapServers, timeout, clientSettings)) {
            while (System.nanoTime() < deadline) {
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(remainingMs, TimeUnit.MILLISECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    lastError = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InfrastructureException(
                            "Interrupted while waiting for the Kafka broker on " + bootstrapServers, e);
                }
                sleep(100);
            }
        }
        throw new InfrastructureException(
                "Kafka broker did not become ready on " + bootstrapServers + " within "
                        + timeout.toSeconds() + " s: "
                        + (lastError == null ? "it lists no brokers" : InfrastructureException.rootMessage(lastError)),
                lastError);
    }

    /**
     * Creates the topics that do not exist yet, all with replication factor 1. A topic that already exists is left
     * as it is (tests and service restarts call this again), even if its partition count differs.
     */
    public static void createTopics(String bootstrapServers, List<TopicSpec> topics) {
        if (topics.isEmpty()) {
            return;
        }
        List<NewTopic> requests = new ArrayList<>();
        for (TopicSpec topic : topics) {
            requests.add(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.configs()));
        }
        try (Admin admin = create(bootstrapServers, TOPIC_TIMEOUT)) {
            Map<String, KafkaFuture<Void>> results =
                    admin.createTopics(requests).values();
            for (TopicSpec topic : topics) {
                awaitCreated(topic, results.get(topic.name()), bootstrapServers);
            }
        }
    }

    private static void awaitCreated(TopicSpec topic, KafkaFuture<Void> result, String bootstrapServers) {
        try {
            result.get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("Created topic {} on {}", topic, bootstrapServers);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw topicFailure(topic, bootstrapServers, e.getCause());
            }
            LOG.debug("Topic {} already exists on {}", topic.name(), bootstrapServers);
        } catch (TimeoutException e) {
            throw topicFailure(topic, bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw topicFailure(topic, bootstrapServers, e);
        }
    }

    private static InfrastructureException topicFailure(TopicSpec topic, String bootstrapServers, Throwable cause) {
        return new InfrastructureException(
                "Could not create Kafka topic '" + topic.name() + "' (" + topic.partitions()
                        + " partitions, configs " + topic.configs() + ") on " + bootstrapServers + ": "
                        + InfrastructureException.rootMessage(cause),
                cause);
    }

    /**
     * Creates the SCRAM-SHA-512 users (or sets their passwords again), 4,096 iterations as Kafka's tools use; the
     * broker authenticates them once the change has reached its metadata, which the caller waits for.
     */
    static void upsertScramUsers(String bootstrapServers, Map<String, String> users) {
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        users.forEach((name, password) -> alterations.add(new UserScramCredentialUpsertion(
                name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)));
        try (Admin admin = create(bootstrapServers, TOPIC_TIMEOUT)) {
            admin.alterUserScramCredentials(alterations).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new InfrastructureException(
                    "Could not create the SCRAM users " + users.keySet() + " on " + bootstrapServers + ": "
                            + InfrastructureException.rootMessage(e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("Interrupted while creating SCRAM users on " + bootstrapServers, e);
        }
    }

    private static Admin create(String bootstrapServers, Duration timeout) {
        return create(bootstrapServers, timeout, Map.of());
    }

    private static Admin create(String bootstrapServers, Duration timeout, Map<String, Object> clientSettings) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 5_000));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return Admin.create(props);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("Interrupted while waiting for the Kafka broker", e);
        }
    }
}
