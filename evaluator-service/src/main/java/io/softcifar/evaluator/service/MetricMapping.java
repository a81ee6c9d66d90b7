package io.softcifar.evaluator.service;

import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.contracts.metrics.MetricCatalogue;
import io.softcifar.ml.metrics.MetricSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where ml-core's metric report becomes the wire form of {@code evaluation.completed}.
 *
 * <p>ml-core already names its metrics {@code split/metric} ({@code test/accuracy}, {@code test/ece},
 * {@code ood/<set>_auroc[_max_prob|_native|...]}, {@code fgsm/<ε>_decrease}, ...), so the mapping is the identity;
 * every name is still checked against contracts' {@link MetricCatalogue} (which only lists names of the contract's
 * {@code split/metric} rule), so that a new or renamed metric fails loudly in this service, not as a metric a
 * consumer cannot rank or format. Values keep ml-core's units: accuracy, precision and recall are fractions in
 * [0, 1] (not percent), AUROC/AUPR in [0, 1], the FGSM decrease a fraction in [0, 1].
 */
public final class MetricMapping {

    private MetricMapping() {}

    /** Metric name → value for the event, in ml-core's order. */
    public static Map<String, Double> toEventMetrics(MetricSet metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.metrics().forEach((name, value) -> {
            if (MetricCatalogue.lookup(name).isEmpty()) {
                throw new IllegalStateException("ml-core metric '" + name + "' is not in contracts' "
                        + MetricCatalogue.class.getSimpleName() + "; add its entry there (CONTRIBUTING.md, \"Adding a"
                        + " metric\")");
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
