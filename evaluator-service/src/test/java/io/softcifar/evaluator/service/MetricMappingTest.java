package io.softcifar.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.ml.metrics.MetricSet;
import io.softcifar.ml.train.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edge between ml-core's report and the wire, and the small pure helpers of the service (no Quarkus). */
class MetricMappingTest {

    @Test
    void mlCoreNamesGoOnTheWireUnchangedInTheirOrder() {
        MetricSet set = MetricSet.builder()
                .put("test/accuracy", 0.8125)
                .put("test/ece", 0.0625)
                .put("ood/svhn_auroc", 0.75)
                .put("ood/cifar100_auroc_max_prob", 0.5)
                .put("fgsm/0.005_decrease", 0.375)
                .build();
        Map<String, Double> wire = MetricMapping.toEventMetrics(set);
        assertThat(wire)
                .containsExactly(
                        Map.entry("test/accuracy", 0.8125),
                        Map.entry("test/ece", 0.0625),
                        Map.entry("ood/svhn_auroc", 0.75),
                        Map.entry("ood/cifar100_auroc_max_prob", 0.5),
                        Map.entry("fgsm/0.005_decrease", 0.375));
        // the contract's own check accepts every one of them
        new EvaluationCompleted("run", "ds", wire, "runs/run/evaluation/dump.json", List.of());
    }

    @Test
    void aNameOutsideSplitSlashMetricIsRefusedHereNotByAConsumer() {
        MetricSet set = MetricSet.builder().put("Test Accuracy", 0.5).build();
        assertThatThrownBy(() -> MetricMapping.toEventMetrics(set))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Test Accuracy");
    }

    @Test
    void aWellFormedNameTheCatalogueDoesNotKnowIsRefusedToo() {
        MetricSet set = MetricSet.builder()
                .put("test/accuracy", 0.5)
                .put("test/sharpness", 0.25)
                .build();
        assertThatThrownBy(() -> MetricMapping.toEventMetrics(set))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ml-core metric 'test/sharpness' is not in contracts' MetricCatalogue; add its entry there"
                        + " (CONTRIBUTING.md, \"Adding a metric\")");
    }

    @Test
    void reliabilityBinsKeepEdgesCountsAndMeans() {
        MetricSet set = MetricSet.builder()
                .reliability(List.of(
                        new io.softcifar.ml.metrics.ReliabilityBin(0, 0.0, 0.5, 2, 0.4375, 0.5),
                        new io.softcifar.ml.metrics.ReliabilityBin(1, 0.5, 1.0, 6, 0.875, 5.0 / 6)))
                .build();
        assertThat(MetricMapping.toEventReliability(set))
                .containsExactly(
                        new ReliabilityBin(0.0, 0.5, 2, 0.4375, 0.5), new ReliabilityBin(0.5, 1.0, 6, 0.875, 5.0 / 6));
    }

    @Test
    void errorMessagesNameObjectKeysNotTheStagingFolder() {
        Path staging = Path.of("/tmp/evaluator/run-1-abc");
        assertThat(EvaluationInputs.relative(
                        "/tmp/evaluator/run-1-abc/datasets/ds-1/seed-0/test-00000.npz: SHA-256" + " is 00", staging))
                .isEqualTo("datasets/ds-1/seed-0/test-00000.npz: SHA-256 is 00");
    }

    @Test
    void aCheckpointNormalizedWithOtherStatisticsThanTheManifestsTrainSplitGetsANote() {
        SeedEntry seed = new SeedEntry(3, List.of(0.5, 0.25, 0.125), List.of(0.25, 0.25, 0.25), Map.of());
        assertThat(CheckpointEvaluation.normalizationNote(
                        header(new float[] {0.5f, 0.25f, 0.125f}, new float[] {0.25f, 0.25f, 0.25f}), seed))
                .isEmpty();
        assertThat(CheckpointEvaluation.normalizationNote(
                        header(new float[] {0.5f, 0.3f, 0.125f}, new float[] {0.25f, 0.25f, 0.25f}), seed))
                .get()
                .asString()
                .contains("seed 3");
    }

    private static Checkpoint.Header header(float[] mean, float[] std) {
        return new Checkpoint.Header(
                Checkpoint.FORMAT,
                Checkpoint.VERSION,
                Checkpoint.Kind.BEST,
                1,
                null,
                mean,
                std,
                1.0,
                1,
                List.of(),
                Checkpoint.RNG_SCHEME,
                0,
                null,
                null);
    }
}
