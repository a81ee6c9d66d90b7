package io.softcifar.ml.metrics;

/** Computes the protocol's per-split classification metrics into one {@link MetricSet}. */
public final class ClassifierEvaluation {

    private ClassifierEvaluation() {}

    /**
     * All hard-label metrics of one split — accuracy (fraction), ECE, true-class ECE, overconfidence error, NLL,
     * Brier, macro precision, macro recall, in that order, named {@code split/<metric>} — plus, if
     * {@code softLabels} is non-null, soft cross-entropy and KL to the human distribution, and the
     * {@value Calibration#DEFAULT_BINS}-bin reliability diagram of the predicted confidence.
     *
     * @param split         e.g. {@link MetricNames#SPLIT_TEST}
     * @param probabilities N×K predicted probabilities
     * @param labels        N hard labels (argmax of the soft label, per the protocol)
     * @param softLabels    N×K human label distribution, or null to skip the soft-label metrics
     */
    public static MetricSet evaluate(String split, double[][] probabilities, int[] labels, double[][] softLabels) {
        MetricSet.Builder b = MetricSet.builder()
                .put(MetricNames.of(split, MetricNames.ACCURACY), ClassificationMetrics.accuracy(probabilities, labels))
                .put(MetricNames.of(split, MetricNames.ECE), Calibration.ece(probabilities, labels))
                .put(MetricNames.of(split, MetricNames.ECE_TRUE_CLASS), Calibration.eceTrueClass(probabilities, labels))
                .put(
                        MetricNames.of(split, MetricNames.OVERCONFIDENCE),
                        Calibration.overconfidenceError(probabilities, labels))
                .put(MetricNames.of(split, MetricNames.NLL), ClassificationMetrics.nll(probabilities, labels))
                .put(MetricNames.of(split, MetricNames.BRIER), ClassificationMetrics.brier(probabilities, labels))
                .put(
                        MetricNames.of(split, MetricNames.PRECISION),
                        ClassificationMetrics.macroPrecision(probabilities, labels))
                .put(
                        MetricNames.of(split, MetricNames.RECALL),
                        ClassificationMetrics.macroRecall(probabilities, labels));
        if (softLabels != null) {
            b.put(MetricNames.of(split, MetricNames.SOFT_CE), SoftLabelMetrics.crossEntropy(probabilities, softLabels))
                    .put(
                            MetricNames.of(split, MetricNames.SOFT_KL),
                            SoftLabelMetrics.klDivergence(probabilities, softLabels));
        }
        return b.reliability(Calibration.reliabilityDiagram(probabilities, labels))
                .build();
    }
}
