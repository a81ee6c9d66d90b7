package io.softcifar.ml.metrics;

/**
 * Row-wise score functions: argmax, a numerically stable softmax, and the per-example OOD scores.
 *
 * <p>OOD convention used throughout this package: a score is <em>higher for in-distribution</em> points.
 * Uncertainty-type scores (SNGP predictive variance, entropy) must be negated, e.g. with {@link #negated}.
 */
public final class Scores {

    private Scores() {}

    /** Index of the largest entry; ties go to the lowest index (like {@code numpy.argmax}). Row must be finite. */
    public static int argmax(double[] row) {
        Validation.requireFiniteVector("row", row);
        return argmaxUnchecked(row);
    }

    /**
     * Per-row argmax of a finite N×K matrix (logits or probabilities), ties to the lowest index.
     *
     * @param scores N×K, finite
     */
    public static int[] argmax(double[][] scores) {
        Validation.requireFiniteMatrix("scores", scores);
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = argmaxUnchecked(scores[i]);
        }
        return out;
    }

    static int argmaxUnchecked(double[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Row-wise softmax, computed as exp(x − max(x)) / Σ exp(x − max(x)), so it never overflows.
     *
     * @param logits N×K, finite
     * @return a new N×K matrix whose rows sum to 1
     */
    public static double[][] softmax(double[][] logits) {
        int k = Validation.requireFiniteMatrix("logits", logits);
        double[][] out = new double[logits.length][k];
        for (int i = 0; i < logits.length; i++) {
            double[] row = logits[i];
            double max = row[argmaxUnchecked(row)];
            double sum = 0.0;
            for (int j = 0; j < k; j++) {
                double e = Math.exp(row[j] - max);
                out[i][j] = e;
                sum += e;
            }
            // sum >= 1 because the max term is exp(0) = 1
            for (int j = 0; j < k; j++) {
                out[i][j] /= sum;
            }
        }
        return out;
    }

    /** Max logit per row (the protocol's default OOD score). */
    public static double[] maxLogit(double[][] logits) {
        Validation.requireFiniteMatrix("logits", logits);
        return rowMaxima(logits);
    }

    /** Max probability per row (the predicted confidence; also an OOD score). */
    public static double[] maxProbability(double[][] probabilities) {
        Validation.requireProbabilities("probabilities", probabilities);
        return rowMaxima(probabilities);
    }

    private static double[] rowMaxima(double[][] m) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][argmaxUnchecked(m[i])];
        }
        return out;
    }

    /** −x element-wise, to turn an uncertainty (higher = more OOD) into an OOD score (higher = in-distribution). */
    public static double[] negated(double[] values) {
        Validation.requireFiniteVector("values", values);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }
}
