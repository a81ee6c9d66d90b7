package io.softcifar.evaluator.service;

import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.ml.metrics.MetricSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where ml-core's metric report becomes the wire form of {@code evaluation.completed}.
 *
 * <p>ml-core already names its metrics {@code split/metric} ({@code test/accuracy}, {@code test/ece},
 * {@code test/overconfidence_error}, {@code test/nll}, {@code test/brier}, {@code test/macro_precision},
 * {@code test/macro_recall}, {@code test/soft_cross_entropy}, {@code test/soft_kl}, {@code test/ece_true_class},
 * {@code ood/<set>_auroc[_max_prob|_native]}, {@code ood/<set>_aupr[...]}, {@code fgsm/<ε>_decrease}), so the
 * mapping is the identity; it is still checked here against the contract's name rule so that a renamed metric fails
 * loudly in this service instead of in a consumer. Values keep ml-core's units: accuracy, precision and recall are
 * fractions in [0, 1] (not percent), AUROC/AUPR in [0, 1], the FGSM decrease a fraction in [0, 1].
 */
public final class MetricMapping {

    private MetricMapping() {}

    /** Metric name → value for the event, in ml-core's order. */
    public static Map<String, Double> toEventMetrics(MetricSet metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.metrics().forEach((name, value) -> {
            if (!EvaluationCompleted.METRIC_NAME.matcher(name).matches()) {
                throw new IllegalStateException("ml-core metric '" + name + "' is not split/metric; map it in "
                        + MetricMapping.class.getSimpleName());
            }
            out.put(name, value);
        });
        return out;
    }

    /** The reliability diagram of the test split (ml-core's bins without their index). */
    public static List<ReliabilityBin> toEventReliability(MetricSet metrics) {
        return metrics.reliability().stream()
                .map(b -> new ReliabilityBin(b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy()))
                .toList();
    }
}
