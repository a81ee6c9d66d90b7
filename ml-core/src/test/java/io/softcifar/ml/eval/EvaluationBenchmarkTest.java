package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smoke test of {@code bench evaluate} on a handful of images (the speeds themselves are not asserted). */
class EvaluationBenchmarkTest {

    @Test
    void reportsPositiveThroughputsAndTheFullMetricSetOfEachMethod() {
        EvaluationBenchmark.Result r = EvaluationBenchmark.run(new EvaluationBenchmark.Settings(
                "cpu", 24, 24, 24, 8, 12, 2, List.of(Method.BASIC, Method.DROPOUT, Method.SNGP), Precision.FP32));
        assertThat(r.inferenceImagesPerSecond()).isPositive();
        assertThat(r.mcDropoutImagesPerSecond()).isPositive();
        assertThat(r.fgsmImagesPerSecond()).isPositive();
        assertThat(r.fgsmMcDropoutImagesPerSecond()).isPositive();
        assertThat(r.fullMetricSets())
                .extracting(EvaluationBenchmark.FullMetricSet::method)
                .containsExactly("basic", "dropout", "sngp");
        for (EvaluationBenchmark.FullMetricSet f : r.fullMetricSets()) {
            assertThat(f.seconds()).as(f.method()).isPositive();
            assertThat(f.testImagesPerSecond()).as(f.method()).isEqualTo(24 / f.seconds());
        }
        // test: 10 classifier metrics; OOD: AUROC + AUPR of max logit, max probability and the native score; one
        // FGSM decrease. MC Dropout adds the reference's distribution (test_ref: 10 more, and one more OOD score).
        assertThat(r.fullMetricSet(Method.BASIC).metricCount()).isEqualTo(10 + 6 + 1);
        assertThat(r.fullMetricSet(Method.SNGP).metricCount()).isEqualTo(10 + 6 + 1);
        assertThat(r.fullMetricSet(Method.DROPOUT).metricCount()).isEqualTo(10 + 10 + 8 + 1);
        assertThat(r.fullMetricSet(Method.DUQ)).isNull();
    }

    @Test
    void bf16ComputesTheSameMetricSets() {
        EvaluationBenchmark.Result r = EvaluationBenchmark.run(new EvaluationBenchmark.Settings(
                "cpu", 16, 16, 16, 8, 8, 2, List.of(Method.DROPOUT, Method.SNGP), Precision.BF16));
        assertThat(r.settings().precision()).isEqualTo(Precision.BF16);
        assertThat(r.fgsmImagesPerSecond()).isPositive();
        assertThat(r.fullMetricSet(Method.SNGP).metricCount()).isEqualTo(10 + 6 + 1);
        assertThat(r.fullMetricSet(Method.DROPOUT).metricCount()).isEqualTo(10 + 10 + 8 + 1);
    }

    @Test
    void duqAndAnEmptyMethodListAreRefused() {
        assertThatThrownBy(() -> new EvaluationBenchmark.Settings("cpu", 8, 8, 8, 8, 8, 1, List.of(), Precision.FP32))
                .hasMessageContaining("--full: basic, dropout and/or sngp");
        assertThatThrownBy(() ->
                        new EvaluationBenchmark.Settings("cpu", 8, 8, 8, 8, 8, 1, List.of(Method.DUQ), Precision.FP32))
                .hasMessageContaining("[DUQ]");
    }
}
