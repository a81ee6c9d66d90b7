package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.topics.Topics;
import org.junit.jupiter.api.Test;

class TopicManifestsTest {

    @Test
    void committedTopicsFileIsWhatTheGeneratorWritesFromContracts() {
        String committed = RepoFiles.read(RepoFiles.path(TopicManifests.DEFAULT_OUTPUT));
        String generated = TopicManifests.render(Topics.all());
        assertThat(committed)
                .as(
                        "%s is stale: contracts' topics changed. Regenerate it with ./mvnw -q -pl deploy exec:java"
                                + " (deploy/README.md) and commit the result",
                        TopicManifests.DEFAULT_OUTPUT)
                .isEqualTo(generated);
    }

    @Test
    void generatedFileCarriesTheBannerAndOneResourcePerTopic() {
        String generated = TopicManifests.render(Topics.all());
        assertThat(generated).startsWith("# GENERATED — DO NOT EDIT.");
        assertThat(RepoFiles.documents(generated))
                .hasSize(Topics.all().size())
                .allSatisfy(doc -> assertThat(doc.path("kind").asText()).isEqualTo("KafkaTopic"));
    }
}
