package io.softcifar.ml.metrics;

import java.util.Arrays;

/**
 * Out-of-distribution detection metrics. In-distribution points are the positive class (label 1) and must
 * score <em>higher</em> than OOD points (label 0); negate uncertainty-type scores first
 * ({@link Scores#negated}). The two arrays may have different lengths; each must be non-empty and finite.
 */
public final class OodMetrics {

    private OodMetrics() {}

    /**
     * AUROC = P(score of a random in-distribution point &gt; score of a random OOD point), ties counted ½.
     *
     * <p>Computed by the rank (Mann–Whitney) method in O(n log n): pool both samples, give tied scores their
     * average rank (1-based), R = sum of the in-distribution ranks, U = R − n_in(n_in + 1)/2, AUROC = U / (n_in·n_ood).
     * All scores equal gives 0.5; perfectly separated gives 1.0.
     */
    public static double auroc(double[] inScores, double[] oodScores) {
        Pooled pooled = pool(inScores, oodScores);
        double rankSumIn = 0.0;
        int i = 0;
        int total = pooled.values.length;
        while (i < total) {
            int j = i;
            int inGroup = 0;
            while (j < total && pooled.values[j] == pooled.values[i]) {
                if (pooled.isIn[j]) {
                    inGroup++;
                }
                j++;
            }
            // positions i..j-1 hold ranks i+1..j; their average is (i + 1 + j) / 2
            rankSumIn += inGroup * ((i + 1 + j) / 2.0);
            i = j;
        }
        double nIn = inScores.length;
        double nOod = oodScores.length;
        double u = rankSumIn - nIn * (nIn + 1) / 2.0;
        return u / (nIn * nOod);
    }

    /**
     * AUPR with the in-distribution points as the positive class, defined as the step-wise average precision
     * of scikit-learn's {@code average_precision_score} (no interpolation, no trapezoid):
     * AP = Σ_t (R_t − R_{t−1}) · P_t over the distinct score thresholds t in decreasing order, where at threshold t
     * every point with score ≥ t is predicted positive, P_t = TP/(TP+FP), R_t = TP/n_in, and R_0 = 0.
     * Tied scores enter together. All scores equal gives n_in / (n_in + n_ood); perfectly separated gives 1.0.
     */
    public static double aupr(double[] inScores, double[] oodScores) {
        Pooled pooled = pool(inScores, oodScores);
        double nIn = inScores.length;
        double ap = 0.0;
        long tp = 0;
        long fp = 0;
        double prevRecall = 0.0;
        int j = pooled.values.length - 1; // walk from the highest score down
        while (j >= 0) {
            int i = j;
            while (i >= 0 && pooled.values[i] == pooled.values[j]) {
                if (pooled.isIn[i]) {
                    tp++;
                } else {
                    fp++;
                }
                i--;
            }
            double recall = tp / nIn;
            double precision = (double) tp / (tp + fp);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            j = i;
        }
        return ap;
    }

    private record Pooled(double[] values, boolean[] isIn) {}

    /** Both samples merged in ascending order; −0.0 is folded into 0.0 so that ties group together. */
    private static Pooled pool(double[] inScores, double[] oodScores) {
        Validation.requireFiniteVector("inScores", inScores);
        Validation.requireFiniteVector("oodScores", oodScores);
        double[] a = sortedCopy(inScores);
        double[] b = sortedCopy(oodScores);
        double[] values = new double[a.length + b.length];
        boolean[] isIn = new boolean[values.length];
        int ia = 0;
        int ib = 0;
        for (int t = 0; t < values.length; t++) {
            if (ib >= b.length || (ia < a.length && a[ia] <= b[ib])) {
                values[t] = a[ia++];
                isIn[t] = true;
            } else {
                values[t] = b[ib++];
            }
        }
        return new Pooled(values, isIn);
    }

    private static double[] sortedCopy(double[] v) {
        double[] c = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            c[i] = v[i] + 0.0; // -0.0 + 0.0 == +0.0
        }
        Arrays.sort(c);
        return c;
    }
}
