package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Smoke test of {@code bench evaluate} on a handful of images (the numbers themselves are not asserted). */
class EvaluationBenchmarkTest {

    @Test
    void reportsPositiveThroughputsAndTheFullMetricSetTime() {
        EvaluationBenchmark.Result r =
                EvaluationBenchmark.run(new EvaluationBenchmark.Settings("cpu", 24, 24, 24, 8, 12, 2));
        assertThat(r.inferenceImagesPerSecond()).isPositive();
        assertThat(r.mcDropoutImagesPerSecond()).isPositive();
        assertThat(r.fgsmImagesPerSecond()).isPositive();
        assertThat(r.fgsmMcDropoutImagesPerSecond()).isPositive();
        assertThat(r.fullMetricSetSeconds()).isPositive();
        assertThat(r.metricCount()).isEqualTo(10 + 6 + 1);
    }
}
