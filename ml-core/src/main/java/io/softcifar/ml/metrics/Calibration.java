package io.softcifar.ml.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Calibration metrics: expected calibration error (ECE), its true-class variant, overconfidence error
 * (OE) and reliability-diagram data.
 *
 * <h2>Binning rule</h2>
 * B equal-width bins (default {@value #DEFAULT_BINS}); bin m (0-based) covers (m/B, (m+1)/B], upper edge
 * inclusive, with the edges computed in double precision as {@code m / (double) B}. A confidence of exactly 0
 * goes to bin 0 (so bin 0 is [0, 1/B]). For example, with 10 bins a confidence of 0.7 lands in bin 6
 * (0.6, 0.7] and 0.1 in bin 0. Probabilities that exceed 1 or fall below 0 by float round-off (the
 * validation tolerates 1e-6) are clamped into the last / first bin.
 *
 * <p>Empty bins contribute 0 to every sum. Inputs are validated as in {@link ClassificationMetrics}.
 */
public final class Calibration {

    /** The protocol's bin count. */
    public static final int DEFAULT_BINS = 10;

    private Calibration() {}

    /**
     * The bin of confidence {@code c} under the rule above.
     *
     * @param c       a finite confidence, nominally in [0, 1]; values outside are clamped to the end bins
     * @param numBins B ≥ 1
     */
    public static int binIndex(double c, int numBins) {
        Validation.requireNumBins(numBins);
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("confidence is " + Validation.describe(c));
        }
        return binIndexUnchecked(c, numBins);
    }

    static int binIndexUnchecked(double c, int numBins) {
        int m = (int) Math.ceil(c * numBins) - 1;
        if (m < 0) {
            return 0;
        }
        if (m > numBins - 1) {
            return numBins - 1;
        }
        // make the assignment agree exactly with the edges m / (double) numBins despite rounding in c * numBins
        while (m > 0 && c <= (double) m / numBins) {
            m--;
        }
        while (m < numBins - 1 && c > (double) (m + 1) / numBins) {
            m++;
        }
        return m;
    }

    /** ECE with {@value #DEFAULT_BINS} bins; see {@link #ece(double[][], int[], int)}. */
    public static double ece(double[][] probabilities, int[] labels) {
        return ece(probabilities, labels, DEFAULT_BINS);
    }

    /**
     * Expected calibration error on the <em>predicted</em> confidence (the protocol's ECE):
     * confidence = max_k p_k, correct = (argmax p == label), binned as described in the class comment;
     * ECE = Σ_m |B_m|/N · |acc(B_m) − conf(B_m)|.
     */
    public static double ece(double[][] probabilities, int[] labels, int numBins) {
        return expectedCalibrationError(reliabilityDiagram(probabilities, labels, numBins));
    }

    /** True-class ECE with {@value #DEFAULT_BINS} bins; see {@link #eceTrueClass(double[][], int[], int)}. */
    public static double eceTrueClass(double[][] probabilities, int[] labels) {
        return eceTrueClass(probabilities, labels, DEFAULT_BINS);
    }

    /**
     * The reference code's variant ("calibration on the true-class probability"); <b>not</b> the standard ECE.
     *
     * <p>For every row i: the binned value is {@code p[i][labels[i]]}, the probability assigned to the
     * <em>true</em> class (not the max probability); "correct" is still {@code argmax(p[i]) == labels[i]}. Rows are
     * binned by that true-class probability with the same rule as {@link #ece}, and the result is
     * Σ_m |B_m|/N · |acc(B_m) − mean true-class probability(B_m)|.
     *
     * <p>It coincides with {@link #ece} when every prediction is correct (then p[label] = max p). A wrong prediction
     * lands in a low bin with acc 0, so this variant mostly measures how little probability wrong predictions give
     * to the true class. Report it under {@link MetricNames#TEST_ECE_TRUE_CLASS}, never as "ECE".
     */
    public static double eceTrueClass(double[][] probabilities, int[] labels, int numBins) {
        return expectedCalibrationError(reliabilityDiagramTrueClass(probabilities, labels, numBins));
    }

    /** Overconfidence error with {@value #DEFAULT_BINS} bins; see {@link #overconfidenceError(double[][], int[], int)}. */
    public static double overconfidenceError(double[][] probabilities, int[] labels) {
        return overconfidenceError(probabilities, labels, DEFAULT_BINS);
    }

    /**
     * Overconfidence error on the predicted confidence, same bins as {@link #ece}:
     * OE = Σ_m |B_m|/N · conf(B_m) · max(conf(B_m) − acc(B_m), 0). Underconfident bins contribute 0.
     */
    public static double overconfidenceError(double[][] probabilities, int[] labels, int numBins) {
        return overconfidenceError(reliabilityDiagram(probabilities, labels, numBins));
    }

    /** Reliability diagram with {@value #DEFAULT_BINS} bins on the predicted confidence. */
    public static List<ReliabilityBin> reliabilityDiagram(double[][] probabilities, int[] labels) {
        return reliabilityDiagram(probabilities, labels, DEFAULT_BINS);
    }

    /** Reliability diagram on the predicted confidence (max probability), {@code numBins} bins, all bins listed. */
    public static List<ReliabilityBin> reliabilityDiagram(double[][] probabilities, int[] labels, int numBins) {
        return diagram(probabilities, labels, numBins, false);
    }

    /** Reliability diagram of the true-class variant (see {@link #eceTrueClass(double[][], int[], int)}). */
    public static List<ReliabilityBin> reliabilityDiagramTrueClass(
            double[][] probabilities, int[] labels, int numBins) {
        return diagram(probabilities, labels, numBins, true);
    }

    /** Confidence = the true class's probability when {@code trueClass}, else the predicted class's. */
    private static List<ReliabilityBin> diagram(
            double[][] probabilities, int[] labels, int numBins, boolean trueClass) {
        Validation.requireNumBins(numBins);
        int k = Validation.requireProbabilities("probabilities", probabilities);
        Validation.requireLabels("labels", labels, probabilities.length, k, "probabilities");
        int n = labels.length;
        double[] conf = new double[n];
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            int pred = Scores.argmaxUnchecked(probabilities[i]);
            conf[i] = probabilities[i][trueClass ? labels[i] : pred];
            correct[i] = pred == labels[i];
        }
        return binUnchecked(conf, correct, numBins);
    }

    /**
     * Generic binning of arbitrary confidences (e.g. a DUQ kernel value) with per-example correctness.
     *
     * @param confidences finite, nominally in [0, 1] (values outside are clamped into the end bins)
     * @param correct     same length as {@code confidences}
     */
    public static List<ReliabilityBin> reliabilityDiagram(double[] confidences, boolean[] correct, int numBins) {
        Validation.requireNumBins(numBins);
        Validation.requireFiniteVector("confidences", confidences);
        if (correct == null) {
            throw new IllegalArgumentException("correct is null");
        }
        Validation.requireSameLength("confidences", confidences.length, "correct", correct.length);
        return binUnchecked(confidences, correct, numBins);
    }

    /** Σ_m |B_m|/N · |acc(B_m) − conf(B_m)| where N = Σ counts. */
    public static double expectedCalibrationError(List<ReliabilityBin> bins) {
        long n = totalCount(bins);
        double sum = 0.0;
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                sum += (double) b.count() / n * Math.abs(b.accuracy() - b.meanConfidence());
            }
        }
        return sum;
    }

    /** Σ_m |B_m|/N · conf(B_m) · max(conf(B_m) − acc(B_m), 0) where N = Σ counts. */
    public static double overconfidenceError(List<ReliabilityBin> bins) {
        long n = totalCount(bins);
        double sum = 0.0;
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                sum += (double) b.count() / n * b.meanConfidence() * Math.max(b.meanConfidence() - b.accuracy(), 0.0);
            }
        }
        return sum;
    }

    private static long totalCount(List<ReliabilityBin> bins) {
        if (bins == null || bins.isEmpty()) {
            throw new IllegalArgumentException("bins is null or empty");
        }
        long n = 0;
        for (ReliabilityBin b : bins) {
            n += b.count();
        }
        if (n == 0) {
            throw new IllegalArgumentException("bins hold no examples (all counts are 0)");
        }
        return n;
    }

    private static List<ReliabilityBin> binUnchecked(double[] conf, boolean[] correct, int numBins) {
        int[] count = new int[numBins];
        int[] hits = new int[numBins];
        double[] confSum = new double[numBins];
        for (int i = 0; i < conf.length; i++) {
            int m = binIndexUnchecked(conf[i], numBins);
            count[m]++;
            confSum[m] += conf[i];
            if (correct[i]) {
                hits[m]++;
            }
        }
        List<ReliabilityBin> bins = new ArrayList<>(numBins);
        for (int m = 0; m < numBins; m++) {
            double lower = (double) m / numBins;
            double upper = (double) (m + 1) / numBins;
            if (count[m] == 0) {
                bins.add(new ReliabilityBin(m, lower, upper, 0, 0.0, 0.0));
            } else {
                bins.add(new ReliabilityBin(
                        m, lower, upper, count[m], confSum[m] / count[m], (double) hits[m] / count[m]));
            }
        }
        return Collections.unmodifiableList(bins);
    }
}
