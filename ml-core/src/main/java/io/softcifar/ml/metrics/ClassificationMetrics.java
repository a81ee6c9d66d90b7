package io.softcifar.ml.metrics;

/**
 * Hard-label classification metrics: accuracy, NLL, Brier score, macro precision and macro recall.
 *
 * <p>Inputs: {@code probabilities} is N×K, every entry finite and in [0, 1] (a float32 round-off of
 * 1e-6 is tolerated), every row summing to 1 within 1e-4; {@code labels} has length N with values in [0, K).
 * Predictions are the per-row argmax with ties to the lowest index (numpy convention).
 */
public final class ClassificationMetrics {

    /** Probabilities are clamped from below to this value before taking a log (NLL, soft cross-entropy, KL). */
    public static final double LOG_CLAMP = 1e-12;

    private ClassificationMetrics() {}

    /** Fraction (0..1, not percent) of rows whose argmax equals the label. */
    public static double accuracy(double[][] probabilities, int[] labels) {
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (Scores.argmaxUnchecked(probabilities[i]) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Fraction (0..1) of positions where {@code predictions[i] == labels[i]}. Values need only be non-negative. */
    public static double accuracy(int[] predictions, int[] labels) {
        Validation.requireClassIndices("predictions", predictions, Integer.MAX_VALUE);
        Validation.requireClassIndices("labels", labels, Integer.MAX_VALUE);
        Validation.requireSameLength("predictions", predictions.length, "labels", labels.length);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /**
     * Negative log-likelihood (log loss): mean over rows of −ln max(p[i][labels[i]], {@value #LOG_CLAMP}).
     * The clamp keeps a confidently wrong row finite (it then contributes ≈ 27.6).
     */
    public static double nll(double[][] probabilities, int[] labels) {
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        double sum = 0.0;
        for (int i = 0; i < labels.length; i++) {
            sum -= Math.log(Math.max(probabilities[i][labels[i]], LOG_CLAMP));
        }
        return sum / labels.length;
    }

    /**
     * Brier score: mean over rows of Σ_k (p_k − onehot_k)², summed (not averaged) over the K classes,
     * so it lies in [0, 2].
     */
    public static double brier(double[][] probabilities, int[] labels) {
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        double sum = 0.0;
        for (int i = 0; i < labels.length; i++) {
            double[] row = probabilities[i];
            for (int j = 0; j < k; j++) {
                double d = row[j] - (j == labels[i] ? 1.0 : 0.0);
                sum += d * d;
            }
        }
        return sum / labels.length;
    }

    /** Macro precision of the argmax predictions; see {@link #macroPrecision(int[], int[], int)}. */
    public static double macroPrecision(double[][] probabilities, int[] labels) {
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        return macroPrecisionUnchecked(argmaxRows(probabilities), labels, k);
    }

    /** Macro recall of the argmax predictions; see {@link #macroRecall(int[], int[], int)}. */
    public static double macroRecall(double[][] probabilities, int[] labels) {
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        return macroRecallUnchecked(argmaxRows(probabilities), labels, k);
    }

    /**
     * Macro precision: the unweighted mean over classes of TP_c / (number of rows predicted c).
     *
     * <p>Classes averaged over: those that occur in {@code labels} <em>or</em> in {@code predictions}
     * (scikit-learn's default {@code labels=None}). A class that occurs in the labels but is never predicted
     * contributes precision 0 (scikit-learn {@code zero_division=0}). A class that occurs in neither is left
     * out. With every class present in the labels (the normal case) this is the mean over all K classes and
     * equals {@code sklearn.metrics.precision_score(y, yhat, average="macro", zero_division=0)}.
     */
    public static double macroPrecision(int[] predictions, int[] labels, int numClasses) {
        requirePredictionsAndLabels(predictions, labels, numClasses);
        return macroPrecisionUnchecked(predictions, labels, numClasses);
    }

    /**
     * Macro recall: the unweighted mean over classes of TP_c / (number of rows labelled c).
     *
     * <p>Classes averaged over: only those that occur in {@code labels} (recall is undefined for a class
     * with no examples; it is <em>excluded</em>, not counted as 0). A class predicted but absent from the labels
     * therefore does not lower macro recall — this is where it differs from scikit-learn's default, which would
     * count such a class as recall 0. With every class present in the labels both agree.
     */
    public static double macroRecall(int[] predictions, int[] labels, int numClasses) {
        requirePredictionsAndLabels(predictions, labels, numClasses);
        return macroRecallUnchecked(predictions, labels, numClasses);
    }

    private static void requireNumClasses(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
    }

    private static void requirePredictionsAndLabels(int[] predictions, int[] labels, int numClasses) {
        requireNumClasses(numClasses);
        Validation.requireClassIndices("predictions", predictions, numClasses);
        Validation.requireClassIndices("labels", labels, numClasses);
        Validation.requireSameLength("predictions", predictions.length, "labels", labels.length);
    }

    private static int[] argmaxRows(double[][] m) {
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = Scores.argmaxUnchecked(m[i]);
        }
        return out;
    }

    private static double macroPrecisionUnchecked(int[] predictions, int[] labels, int k) {
        ClassCounts n = ClassCounts.of(predictions, labels, k);
        double sum = 0.0;
        int classes = 0;
        for (int c = 0; c < k; c++) {
            if (n.predicted[c] == 0 && n.actual[c] == 0) {
                continue;
            }
            classes++;
            if (n.predicted[c] > 0) {
                sum += (double) n.tp[c] / n.predicted[c];
            }
        }
        return sum / classes; // classes >= 1 because the inputs are non-empty
    }

    private static double macroRecallUnchecked(int[] predictions, int[] labels, int k) {
        ClassCounts n = ClassCounts.of(predictions, labels, k);
        double sum = 0.0;
        int classes = 0;
        for (int c = 0; c < k; c++) {
            if (n.actual[c] == 0) {
                continue;
            }
            classes++;
            sum += (double) n.tp[c] / n.actual[c];
        }
        return sum / classes;
    }

    /** Per class: true positives, how often it was predicted, how often it was the label. */
    private record ClassCounts(long[] tp, long[] predicted, long[] actual) {
        static ClassCounts of(int[] predictions, int[] labels, int k) {
            ClassCounts n = new ClassCounts(new long[k], new long[k], new long[k]);
            for (int i = 0; i < labels.length; i++) {
                n.predicted[predictions[i]]++;
                n.actual[labels[i]]++;
                if (predictions[i] == labels[i]) {
                    n.tp[labels[i]]++;
                }
            }
            return n;
        }
    }
}
