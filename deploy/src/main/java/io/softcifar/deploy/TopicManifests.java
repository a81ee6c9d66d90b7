package io.softcifar.deploy;

import io.softcifar.contracts.topics.Service;
import io.softcifar.contracts.topics.TopicSpec;
import io.softcifar.contracts.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes every topic of {@link Topics#all()} as a Strimzi {@code KafkaTopic}, so the cluster's topics are the
 * contracts module's topics and nobody edits them by hand. {@code TopicManifestsTest} regenerates the file in memory
 * and fails when the committed copy differs.
 *
 * <pre>./mvnw -q -pl deploy exec:java      # writes deploy/k8s/base/kafka/topics.yaml</pre>
 */
public final class TopicManifests {

    /** The Strimzi {@code Kafka} resource the topics belong to (label {@code strimzi.io/cluster}). */
    public static final String KAFKA_CLUSTER = "softcifar";

    public static final String DEFAULT_OUTPUT = "deploy/k8s/base/kafka/topics.yaml";
    /** Strimzi 1.0 serves only {@code v1} (v1beta2 was removed); the topic operator reads it since Strimzi 0.49. */
    public static final String API_VERSION = "kafka.strimzi.io/v1";

    private TopicManifests() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : DEFAULT_OUTPUT);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(Topics.all()), StandardCharsets.UTF_8);
        System.out.println("wrote " + Topics.all().size() + " KafkaTopic resources to " + out);
    }

    /** The whole file: a banner, then one YAML document per topic in the contracts' order. */
    public static String render(List<TopicSpec> topics) {
        StringBuilder yaml = new StringBuilder()
                .append(
                        "# GENERATED — DO NOT EDIT. Source: contracts/src/main/java/io/softcifar/contracts/topics/Topics.java\n")
                .append(
                        "# Regenerate with: ./mvnw -q -pl deploy exec:java   (TopicManifestsTest fails while this file is stale)\n");
        for (TopicSpec topic : topics) {
            yaml.append(document(topic));
        }
        return yaml.toString();
    }

    private static String document(TopicSpec topic) {
        return "---\n"
                + "# key: " + topic.key() + "\n"
                + "# events: " + String.join(", ", topic.eventTypes()) + "\n"
                + "# producers: " + serviceIds(topic.producers()) + "; consumers: " + serviceIds(topic.consumers())
                + "\n"
                + "apiVersion: " + API_VERSION + "\n"
                + "kind: KafkaTopic\n"
                + "metadata:\n"
                + "  name: " + topic.name() + "\n"
                + "  labels:\n"
                + "    strimzi.io/cluster: " + KAFKA_CLUSTER + "\n"
                + "    app.kubernetes.io/part-of: softcifar\n"
                + "spec:\n"
                + "  topicName: " + topic.name() + "\n"
                + "  partitions: " + topic.partitions() + "\n"
                + "  replicas: " + topic.replication() + "\n"
                + "  config:\n"
                + "    cleanup.policy: " + topic.cleanupPolicy().kafkaValue() + "\n"
                + "    retention.ms: " + topic.retentionMs() + "\n";
    }

    private static String serviceIds(Set<Service> services) {
        if (services.isEmpty()) {
            return "none";
        }
        return services.stream()
                .sorted(Comparator.naturalOrder())
                .map(Service::id)
                .collect(Collectors.joining(", "));
    }
}
