package io.softcifar.contracts.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every metric the evaluator reports, in one place: its name (or name family), which way is better, what it is, and
 * how to show it. The evaluator service refuses to publish a name that is not here, the results service ranks and
 * formats by it, and a page can read it instead of guessing from the name.
 *
 * <p>Names are {@code split/metric} ({@code EvaluationCompleted.METRIC_NAME}). The families:
 * <ul>
 *   <li>{@code test/<m>}, {@code test_mc/<m>}, {@code test_mc_logits/<m>}, {@code test_ref/<m>} for the ten
 *       classifier metrics {@code <m>} (accuracy, ece, ece_true_class, overconfidence_error, nll, brier,
 *       macro_precision, macro_recall, soft_cross_entropy, soft_kl) — one entry per name;
 *   <li>{@code ood/<set>_auroc[_<score>]} and {@code ood/<set>_aupr[_<score>]} for every OOD score (none = max
 *       logit, max_prob, native, mc_max_prob, mc_logits_max_logit, ref_max_prob) — the set is a placeholder;
 *   <li>{@code fgsm/<eps>_decrease} — ε is a placeholder.
 * </ul>
 *
 * <p>Adding a metric to ml-core's evaluator means adding its entry here (CONTRIBUTING.md, "Adding a metric");
 * evaluator-service's {@code EmittedMetricNamesTest} fails until it is.
 */
public final class MetricCatalogue {

    private record Split(String name, String label, String description) {}

    private record Classifier(
            String metric, String label, Direction direction, MetricFormat format, String description) {}

    private record OodScore(String suffix, String label, String description) {}

    private static final List<Split> SPLITS = List.of(
            new Split("test", "", "on the test split"),
            new Split(
                    "test_mc",
                    " (SNGP MC)",
                    "on the test split under SNGP's Monte-Carlo distribution (mean softmax over the logit draws)"),
            new Split(
                    "test_mc_logits",
                    " (SNGP MC logits)",
                    "on the test split under SNGP's Monte-Carlo"
                            + " distribution as the reference forms it (softmax of the mean drawn logits)"),
            new Split(
                    "test_ref",
                    " (reference)",
                    "on the test split under the reference code's predictive"
                            + " distribution (MC Dropout: softmax of the mean logits;"
                            + " DUQ: softmax of sigmoid(ln Kk / sum K))"));

    private static final List<Classifier> CLASSIFIER = List.of(
            new Classifier(
                    "accuracy",
                    "accuracy",
                    Direction.HIGHER,
                    MetricFormat.PERCENT,
                    "fraction of images whose argmax prediction is the hard label (argmax of the human labels)"),
            new Classifier(
                    "ece",
                    "ECE",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "expected calibration error: 10 equal-width confidence bins,"
                            + " sum of (count/N)·|accuracy − confidence|"),
            new Classifier(
                    "ece_true_class",
                    "ECE (true class)",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "the reference code's ECE variant: the same bins with the true class's probability as confidence"),
            new Classifier(
                    "overconfidence_error",
                    "overconfidence error",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "over the ECE bins, sum of (count/N)·confidence·max(confidence − accuracy, 0)"),
            new Classifier(
                    "nll",
                    "NLL",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "mean negative log-likelihood of the hard label, −ln p(y)"),
            new Classifier(
                    "brier",
                    "Brier",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "mean over images of the squared distance to the one-hot hard label, summed over classes (0 to 2)"),
            new Classifier(
                    "macro_precision",
                    "macro precision",
                    Direction.HIGHER,
                    MetricFormat.PERCENT,
                    "precision of the argmax prediction per class, averaged over the classes"),
            new Classifier(
                    "macro_recall",
                    "macro recall",
                    Direction.HIGHER,
                    MetricFormat.PERCENT,
                    "recall of the argmax prediction per class, averaged over the classes"),
            new Classifier(
                    "soft_cross_entropy",
                    "soft cross-entropy",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "mean cross-entropy −sum q·ln p from the human label distribution q to the prediction p"),
            new Classifier(
                    "soft_kl",
                    "soft KL",
                    Direction.LOWER,
                    MetricFormat.FINE,
                    "mean KL divergence KL(q ‖ p) from the human label distribution q to the prediction p"));

    private static final List<OodScore> OOD_SCORES = List.of(
            new OodScore("", "", "the max logit"),
            new OodScore("_max_prob", " (max prob)", "the max probability"),
            new OodScore(
                    "_native",
                    " (native)",
                    "the method's native score (max probability for basic and MC Dropout,"
                            + " −predictive variance for SNGP, max kernel value for DUQ)"),
            new OodScore("_mc_max_prob", " (SNGP MC max prob)", "the max of SNGP's Monte-Carlo mean softmax"),
            new OodScore(
                    "_mc_logits_max_logit",
                    " (SNGP MC max logit)",
                    "the max of SNGP's mean drawn logits (the reference's score)"),
            new OodScore(
                    "_ref_max_prob",
                    " (reference max prob)",
                    "the max probability of the reference code's predictive distribution"));

    private static final List<MetricDefinition> ALL;
    private static final Map<String, MetricDefinition> EXACT = new LinkedHashMap<>();
    private static final Map<MetricDefinition, Pattern> FAMILIES = new LinkedHashMap<>();

    static {
        List<MetricDefinition> all = new ArrayList<>();
        for (Split split : SPLITS) {
            for (Classifier m : CLASSIFIER) {
                all.add(new MetricDefinition(
                        split.name() + "/" + m.metric(),
                        m.label() + split.label(),
                        m.direction(),
                        m.description() + ", " + split.description(),
                        m.format()));
            }
        }
        for (OodScore score : OOD_SCORES) {
            all.add(new MetricDefinition(
                    "ood/<set>_auroc" + score.suffix(),
                    "OOD AUROC" + score.label(),
                    Direction.HIGHER,
                    "AUROC of telling the test images (positive) from the OOD set's by " + score.description()
                            + "; 0.5 = chance",
                    MetricFormat.SCORE));
            all.add(new MetricDefinition(
                    "ood/<set>_aupr" + score.suffix(),
                    "OOD AUPR" + score.label(),
                    Direction.HIGHER,
                    "average precision of the test images (positive) against the OOD set's, scored" + " by "
                            + score.description(),
                    MetricFormat.SCORE));
        }
        all.add(new MetricDefinition(
                "fgsm/<eps>_decrease",
                "FGSM attack decrease",
                Direction.LOWER,
                "fraction of the correctly classified test images that one FGSM step of size ε (pixels in [0, 1])"
                        + " makes wrong",
                MetricFormat.FINE));
        ALL = List.copyOf(all);
        for (MetricDefinition d : ALL) {
            if (d.parameterised()) {
                FAMILIES.put(d, d.pattern());
            } else if (EXACT.put(d.name(), d) != null) {
                throw new IllegalStateException("MetricCatalogue: " + d.name() + " is listed twice");
            }
        }
    }

    private MetricCatalogue() {}

    /** Every entry, in catalogue order: the four classifier splits, then OOD, then FGSM. */
    public static List<MetricDefinition> all() {
        return ALL;
    }

    /** The entry of a reported name, e.g. "ood/svhn_auroc" → the {@code ood/<set>_auroc} family; empty if unknown. */
    public static Optional<MetricDefinition> lookup(String name) {
        if (name == null) {
            return Optional.empty();
        }
        MetricDefinition exact = EXACT.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return FAMILIES.entrySet().stream()
                .filter(e -> e.getValue().matcher(name).matches())
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** {@link #lookup}, or an error naming the metric and where to add it. */
    public static MetricDefinition require(String name) {
        return lookup(name)
                .orElseThrow(() -> new IllegalArgumentException("metric '" + name + "' is not in the"
                        + " metric catalogue; add it to contracts' " + MetricCatalogue.class.getName()));
    }

    /** Every entry whose name or family matches {@code name} (exactly one for a known name; for tests). */
    static List<MetricDefinition> matching(String name) {
        List<MetricDefinition> out = new ArrayList<>();
        ALL.forEach(d -> {
            if (d.pattern().matcher(name).matches()) {
                out.add(d);
            }
        });
        return out;
    }
}
