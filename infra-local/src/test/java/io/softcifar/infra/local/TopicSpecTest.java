package io.softcifar.infra.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void compactedTopicCarriesTheCleanupPolicy() {
        assertThat(TopicSpec.compacted("state", 3))
                .isEqualTo(new TopicSpec("state", 3, Map.of("cleanup.policy", "compact")));
    }

    @Test
    void configsAreCopiedSoLaterChangesDoNotLeakIn() {
        Map<String, String> configs = new HashMap<>(Map.of("retention.ms", "1000"));
        TopicSpec spec = new TopicSpec("events", 1, configs);
        configs.put("cleanup.policy", "compact");
        assertThat(spec.configs()).containsOnlyKeys("retention.ms");
    }

    @Test
    void rejectsZeroPartitionsNamingTheTopic() {
        assertThatThrownBy(() -> TopicSpec.of("events", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'events'")
                .hasMessageContaining("got 0");
    }

    @Test
    void rejectsBlankName() {
        assertThatThrownBy(() -> TopicSpec.of(" ", 1)).hasMessageContaining("blank");
    }
}
