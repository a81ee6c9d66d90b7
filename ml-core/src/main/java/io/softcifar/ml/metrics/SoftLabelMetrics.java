package io.softcifar.ml.metrics;

/**
 * Metrics against the human label distribution q (CIFAR-10H soft labels) rather than a hard label.
 *
 * <p>Both {@code probabilities} (p) and {@code softLabels} (q) are N×K probability matrices (validated as in
 * {@link ClassificationMetrics}) of the same shape. Logs use natural base; p is clamped from below at
 * {@link ClassificationMetrics#LOG_CLAMP} before the log; any term with q = 0 (or a tolerated round-off q &lt; 0)
 * contributes exactly 0, whatever p is (0·log 0 = 0).
 */
public final class SoftLabelMetrics {

    private SoftLabelMetrics() {}

    /** Mean over rows of the cross-entropy H(q, p) = −Σ_k q_k ln p_k. Equals KL(q‖p) + H(q). */
    public static double crossEntropy(double[][] probabilities, double[][] softLabels) {
        // sum − x and sum + (−x) are the same IEEE operation, so this is bit-identical to subtracting each term
        return meanOverRows(
                probabilities, softLabels, (p, q) -> -(q * Math.log(Math.max(p, ClassificationMetrics.LOG_CLAMP))));
    }

    /** Mean over rows of KL(q‖p) = Σ_k q_k (ln q_k − ln p_k), with 0·ln 0 = 0. Zero when p = q. */
    public static double klDivergence(double[][] probabilities, double[][] softLabels) {
        return meanOverRows(
                probabilities,
                softLabels,
                (p, q) -> q * (Math.log(q) - Math.log(Math.max(p, ClassificationMetrics.LOG_CLAMP))));
    }

    /** What one class contributes to a row, from its predicted probability p and soft label q (q > 0). */
    private interface Term {
        double of(double p, double q);
    }

    /** Σ over rows and over the classes with q > 0 of {@code term}, in row-major order, divided by the rows. */
    private static double meanOverRows(double[][] probabilities, double[][] softLabels, Term term) {
        validate(probabilities, softLabels);
        int k = probabilities[0].length;
        double sum = 0.0;
        for (int i = 0; i < probabilities.length; i++) {
            double[] p = probabilities[i];
            double[] q = softLabels[i];
            for (int j = 0; j < k; j++) {
                if (q[j] > 0.0) {
                    sum += term.of(p[j], q[j]);
                }
            }
        }
        return sum / probabilities.length;
    }

    /** Mean over rows of the Shannon entropy H(q) = −Σ_k q_k ln q_k (nats), with 0·ln 0 = 0. */
    public static double meanEntropy(double[][] distributions) {
        int k = Validation.requireProbabilities("distributions", distributions);
        double sum = 0.0;
        for (double[] q : distributions) {
            for (int j = 0; j < k; j++) {
                if (q[j] > 0.0) {
                    sum -= q[j] * Math.log(q[j]);
                }
            }
        }
        return sum / distributions.length;
    }

    private static void validate(double[][] probabilities, double[][] softLabels) {
        Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireProbabilities("softLabels", softLabels);
        Validation.requireSameShape("softLabels", softLabels, "probabilities", probabilities);
    }
}
