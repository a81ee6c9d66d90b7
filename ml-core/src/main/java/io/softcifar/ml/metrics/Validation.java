package io.softcifar.ml.metrics;

/**
 * Argument checks shared by the metric classes. Every failure is an {@link IllegalArgumentException}
 * whose message names the argument and, for bad values, the first offending index in row-major order
 * (for example {@code "probabilities[12][3] is NaN"}).
 */
final class Validation {

    /** Largest excursion outside [0, 1] accepted for a probability (float32 round-off). */
    static final double PROBABILITY_TOLERANCE = 1e-6;
    /** Largest accepted |row sum − 1| for a probability row. */
    static final double ROW_SUM_TOLERANCE = 1e-4;

    private Validation() {}

    static String describe(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return v > 0 ? "Infinity" : "-Infinity";
    }

    /** Non-null, non-empty, rectangular matrix with at least one column; returns the column count. */
    static int requireMatrix(String name, double[][] m) {
        if (m == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (m.length == 0) {
            throw new IllegalArgumentException(name + " is empty (0 rows)");
        }
        if (m[0] == null) {
            throw new IllegalArgumentException(name + "[0] is null");
        }
        int k = m[0].length;
        if (k == 0) {
            throw new IllegalArgumentException(name + " has 0 columns");
        }
        for (int i = 1; i < m.length; i++) {
            if (m[i] == null) {
                throw new IllegalArgumentException(name + "[" + i + "] is null");
            }
            if (m[i].length != k) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] has " + m[i].length + " columns but " + name + "[0] has " + k);
            }
        }
        return k;
    }

    /** {@link #requireMatrix} plus: every entry finite. Returns the column count. */
    static int requireFiniteMatrix(String name, double[][] m) {
        int k = requireMatrix(name, m);
        for (int i = 0; i < m.length; i++) {
            double[] row = m[i];
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "] is " + describe(row[j]));
                }
            }
        }
        return k;
    }

    /**
     * A probability matrix: finite, every entry in [0, 1] (± {@value #PROBABILITY_TOLERANCE}), every row
     * summing to 1 (± {@value #ROW_SUM_TOLERANCE}). Returns the column count.
     */
    static int requireProbabilities(String name, double[][] p) {
        int k = requireFiniteMatrix(name, p);
        for (int i = 0; i < p.length; i++) {
            double[] row = p[i];
            double sum = 0.0;
            for (int j = 0; j < k; j++) {
                double v = row[j];
                if (v < -PROBABILITY_TOLERANCE || v > 1.0 + PROBABILITY_TOLERANCE) {
                    throw new IllegalArgumentException(
                            name + "[" + i + "][" + j + "] = " + v + " is outside [0, 1] (is this a logit matrix?)");
                }
                sum += v;
            }
            if (Math.abs(sum - 1.0) > ROW_SUM_TOLERANCE) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] sums to " + sum + ", expected 1 (tolerance " + ROW_SUM_TOLERANCE + ")");
            }
        }
        return k;
    }

    /** Non-null, non-empty vector with finite entries. */
    static void requireFiniteVector(String name, double[] v) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (v.length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + describe(v[i]));
            }
        }
    }

    /** Labels: non-null, length {@code n} (the row count of {@code matrixName}), values in [0, k). */
    static void requireLabels(String name, int[] labels, int n, int k, String matrixName) {
        if (labels == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(
                    name + " has length " + labels.length + " but " + matrixName + " has " + n + " rows");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + labels[i] + " is outside [0, " + k + ")");
            }
        }
    }

    /** Class indices (labels or predictions) of a given length, values in [0, k). */
    static void requireClassIndices(String name, int[] idx, int k) {
        if (idx == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (idx.length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= k) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + idx[i] + " is outside [0, " + k + ")");
            }
        }
    }

    static void requireSameLength(String nameA, int lengthA, String nameB, int lengthB) {
        if (lengthA != lengthB) {
            throw new IllegalArgumentException(
                    nameA + " has length " + lengthA + " but " + nameB + " has length " + lengthB);
        }
    }

    static void requireSameShape(String nameA, double[][] a, String nameB, double[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(nameA + " has " + a.length + " rows but " + nameB + " has " + b.length);
        }
        if (a[0].length != b[0].length) {
            throw new IllegalArgumentException(
                    nameA + " has " + a[0].length + " columns but " + nameB + " has " + b[0].length);
        }
    }

    static void requireNumBins(int numBins) {
        if (numBins < 1) {
            throw new IllegalArgumentException("numBins must be >= 1, got " + numBins);
        }
    }
}
