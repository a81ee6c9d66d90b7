package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.ml.metrics.MetricSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingReportTest {

    private static final EvaluationResult.Timing TIMING =
            new EvaluationResult.Timing(1.5, 2.5, 3.5, 4.5, 5.5, 17.5, 800.0, 120.0);

    /** Every phase of {@link EvaluationResult.Timing#phaseSeconds()} in order, then both throughputs. */
    @Test
    void theSummaryReportsEveryPhaseAndBothThroughputsInSnakeCase() {
        EvaluationResult.Info info =
                new EvaluationResult.Info("c.ckpt", "basic", 20, "cifar10h", 0, 2, 2, 10, 4, 1, 0, "cpu");
        EvaluationResult r = new EvaluationResult(
                MetricSet.builder().build(),
                info,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                List.of(),
                TIMING,
                List.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> timing = (Map<String, Object>) r.summary().get("timing");
        assertThat(new ArrayList<>(timing.entrySet()))
                .containsExactly(
                        Map.entry("setup_seconds", 1.5),
                        Map.entry("test_seconds", 2.5),
                        Map.entry("ood_seconds", 3.5),
                        Map.entry("fgsm_seconds", 4.5),
                        Map.entry("metric_seconds", 5.5),
                        Map.entry("total_seconds", 17.5),
                        Map.entry("test_images_per_second", 800.0),
                        Map.entry("fgsm_images_per_second", 120.0));
    }
}
