package io.softcifar.contracts.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void datasetLayout() {
        assertThat(ObjectKeys.DEFAULT_BUCKET).isEqualTo("softcifar");
        assertThat(ObjectKeys.manifest("ds-1")).isEqualTo("datasets/ds-1/manifest.json");
        assertThat(ObjectKeys.shard("ds-1", 3, "train", 0)).isEqualTo("datasets/ds-1/seed-3/train-00000.npz");
        assertThat(ObjectKeys.shard("ds-1", 0, "validation", 12))
                .isEqualTo("datasets/ds-1/seed-0/validation-00012.npz");
        assertThat(ObjectKeys.oodShard("ds-1", "svhn", 7)).isEqualTo("datasets/ds-1/ood/svhn-00007.npz");
    }

    @Test
    void runLayout() {
        assertThat(ObjectKeys.epochCheckpoint("run-1", 5)).isEqualTo("runs/run-1/checkpoints/epoch-0005.ckpt");
        assertThat(ObjectKeys.epochCheckpoint("run-1", 230)).isEqualTo("runs/run-1/checkpoints/epoch-0230.ckpt");
        assertThat(ObjectKeys.lastCheckpoint("run-1")).isEqualTo("runs/run-1/checkpoints/last.ckpt");
        assertThat(ObjectKeys.bestCheckpoint("run-1")).isEqualTo("runs/run-1/checkpoints/best.ckpt");
        assertThat(ObjectKeys.evaluationFile("run-1", ObjectKeys.METRICS_FILE))
                .isEqualTo("runs/run-1/evaluation/metrics.json");
        assertThat(ObjectKeys.evaluationFile("run-1", "probs.npy")).isEqualTo("runs/run-1/evaluation/probs.npy");
        assertThat(ObjectKeys.evaluationFile("run-1", ObjectKeys.DUMP_INDEX_FILE))
                .startsWith(ObjectKeys.evaluationPrefix("run-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "a/b", "a..b", "", " ", "a b", "ä", "x\\y"})
    void unsafeIdsAreRejected(String id) {
        assertThat(ObjectKeys.isValidId(id)).isFalse();
        assertThatThrownBy(() -> ObjectKeys.runPrefix(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runId: " + ObjectKeys.ID_RULE + ", got '" + id + "'");
    }

    @Test
    void idsAreCheckedInEveryKey() {
        assertThatThrownBy(() -> ObjectKeys.manifest("../x")).hasMessageStartingWith("datasetId: ");
        assertThatThrownBy(() -> ObjectKeys.oodShard("ds", "../svhn", 0)).hasMessageStartingWith("oodSet: ");
        assertThatThrownBy(() -> ObjectKeys.evaluationFile("r", "../../datasets/x"))
                .hasMessageStartingWith("file: ");
        assertThatThrownBy(() -> ObjectKeys.manifest(null))
                .hasMessage("datasetId: " + ObjectKeys.ID_RULE + ", got null");
        assertThat(ObjectKeys.isValidId("x".repeat(128))).isTrue();
        assertThat(ObjectKeys.isValidId("x".repeat(129))).isFalse();
        assertThat(ObjectKeys.isValidId("Run_1.v2-a")).isTrue();
    }

    @Test
    void numbersOutsideThePaddingAreRejected() {
        assertThatThrownBy(() -> ObjectKeys.shard("ds", 0, "val", 0))
                .hasMessage("split: must be one of train, validation, test, got 'val'");
        assertThatThrownBy(() -> ObjectKeys.shard("ds", -1, "train", 0)).hasMessage("seed: must be >= 0, got -1");
        assertThatThrownBy(() -> ObjectKeys.shard("ds", 0, "train", 100_000))
                .hasMessage("shard index: must be in 0..99999, got 100000");
        assertThatThrownBy(() -> ObjectKeys.epochCheckpoint("r", 10_000))
                .hasMessage("epoch: must be in 0..9999, got 10000");
    }
}
