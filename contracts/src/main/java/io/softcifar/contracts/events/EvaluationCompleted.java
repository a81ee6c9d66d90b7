package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A run's best checkpoint was evaluated (test split, hard labels); the evaluation record of the run (compacted topic,
 * key run id).
 *
 * @param runId       the run
 * @param datasetId   the dataset whose test split and OOD sets were used
 * @param metrics     {@code split/metric} → value, e.g. "test/accuracy" (fraction), "test/ece", "ood/svhn_auroc",
 *                    "fgsm/0.005_decrease"
 * @param dumpKey     object key of the dump index (dump.json) beside the per-example .npy files
 * @param reliability the reliability diagram of the test split
 * @param provenance  what evaluated the run (code, libraries, device, dataset manifest; no configuration: the run's
 *                    is in its {@code training.finished}); absent in older events
 */
public record EvaluationCompleted(
        String runId,
        String datasetId,
        Map<String, Double> metrics,
        String dumpKey,
        List<ReliabilityBin> reliability,
        @Nullable Provenance provenance)
        implements Event, RunEvent {
    public static final String TYPE = "evaluation.completed";

    /** "split/metric": lower-case words, digits, '_' and '.' on both sides of one '/'. */
    public static final Pattern METRIC_NAME = Pattern.compile("[a-z0-9_]+/[a-z0-9_.]+");

    public EvaluationCompleted {
        if (metrics != null) {
            for (String name : metrics.keySet()) {
                if (!METRIC_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException(
                            "metrics: name '" + name + "' is not split/metric (e.g. test/accuracy, ood/svhn_auroc)");
                }
            }
            metrics = Map.copyOf(metrics);
        }
        reliability = reliability == null ? null : List.copyOf(reliability);
    }

    public EvaluationCompleted(
            String runId,
            String datasetId,
            Map<String, Double> metrics,
            String dumpKey,
            List<ReliabilityBin> reliability) {
        this(runId, datasetId, metrics, dumpKey, reliability, null);
    }
}
