package io.softcifar.contracts.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.events.EventTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyConsumedTopicHasADeadLetterTopic() {
        for (TopicSpec topic : Topics.primary()) {
            assertThat(topic.consumers()).as(topic.name()).isNotEmpty();
            TopicSpec dlq = Topics.byName(Topics.deadLetterOf(topic.name())).orElseThrow();
            assertThat(dlq.name()).isEqualTo(topic.name() + ".dlq");
            assertThat(dlq.isDeadLetter()).isTrue();
            assertThat(dlq.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
            assertThat(dlq.producers()).isEqualTo(topic.consumers());
        }
        assertThat(Topics.all()).hasSize(2 * Topics.primary().size());
    }

    @Test
    void compactedTopicsKeepStateForever() {
        List<TopicSpec> compacted =
                Topics.all().stream().filter(TopicSpec::isCompacted).toList();

        assertThat(compacted)
                .extracting(TopicSpec::name)
                .containsExactlyInAnyOrder(
                        Topics.DATASET_STATE, Topics.TRAINING_STATE, Topics.EVALUATION_RESULTS, Topics.STUDIES);
        assertThat(compacted).allSatisfy(t -> {
            assertThat(t.retentionMs()).isEqualTo(-1);
            assertThat(t.kafkaConfig())
                    .containsEntry("cleanup.policy", "compact")
                    .containsEntry("retention.ms", "-1");
        });
        assertThat(Topics.all())
                .filteredOn(t -> !t.isCompacted())
                .allSatisfy(t -> assertThat(t.retentionMs()).isPositive());
    }

    @Test
    void everyEventTypeTravelsOnExactlyOnePrimaryTopic() {
        Map<String, List<String>> topicsByType = Topics.primary().stream()
                .flatMap(t -> t.eventTypes().stream().map(type -> Map.entry(type, t.name())))
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));

        assertThat(topicsByType.keySet()).isEqualTo(EventTypes.all());
        assertThat(topicsByType)
                .allSatisfy((type, topics) -> assertThat(topics).as(type).hasSize(1));
    }

    @Test
    void namesAreUniqueAndPrefixed() {
        List<String> names = Topics.all().stream().map(TopicSpec::name).toList();

        assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.startsWith("softcifar."));
        assertThat(Topics.byName(Topics.TRAINING_REQUESTS)).isPresent();
        assertThat(Topics.byName("softcifar.nope")).isEmpty();
    }

    @Test
    void runKeyedTopicsShareOnePartitionCount() {
        Set<String> runKeyed = Set.of(
                Topics.TRAINING_REQUESTS,
                Topics.TRAINING_CONTROL,
                Topics.TRAINING_PROGRESS,
                Topics.TRAINING_STATE,
                Topics.CHECKPOINTS,
                Topics.EVALUATION_RESULTS);

        assertThat(Topics.primary())
                .filteredOn(t -> runKeyed.contains(t.name()))
                .hasSize(runKeyed.size())
                .allSatisfy(t -> assertThat(t.partitions()).isEqualTo(Topics.RUN_PARTITIONS));
    }

    @Test
    void replicationDefaultsToOneAndCanBeRaised() {
        TopicSpec topic = Topics.byName(Topics.TRAINING_STATE).orElseThrow();

        assertThat(topic.replication()).isEqualTo(1);
        assertThat(topic.withReplication(3).replication()).isEqualTo(3);
    }

    @Test
    void theReadmeTableListsEveryTopicAndEventType() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        assertThat(Topics.primary()).allSatisfy(t -> assertThat(readme).contains("`" + t.name() + "`"));
        assertThat(EventTypes.all()).allSatisfy(type -> assertThat(readme).contains("`" + type + "`"));
    }

    @Test
    void aCompactedTopicWithRetentionIsRefused() {
        assertThatThrownBy(() -> new TopicSpec(
                        "softcifar.x", 1, 1, CleanupPolicy.COMPACT, 1000, "k", List.of(), Set.of(), Set.of()))
                .hasMessage("softcifar.x: a compacted topic keeps its state forever (retentionMs -1)");
        assertThatThrownBy(() -> new TopicSpec(
                        "Soft/Cifar", 1, 1, CleanupPolicy.DELETE, 1000, "k", List.of(), Set.of(), Set.of()))
                .hasMessageStartingWith("topic name: ");
    }
}
