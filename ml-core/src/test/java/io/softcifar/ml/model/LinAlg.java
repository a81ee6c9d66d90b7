package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Small dense linear algebra in Java doubles, written for the tests so that expected values never come from the
 * tensor code under test.
 */
public final class LinAlg {

    private LinAlg() {}

    /** The values of an array as doubles (row-major). */
    public static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray d = a.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    /** A·Aᵀ for a row-major rows × cols matrix. */
    public static double[] gram(double[] a, int rows, int cols) {
        double[] g = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = i; j < rows; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += a[i * cols + k] * a[j * cols + k];
                }
                g[i * rows + j] = s;
                g[j * rows + i] = s;
            }
        }
        return g;
    }

    /**
     * All eigenvalues of a symmetric n × n matrix (row-major) by the cyclic Jacobi method, ascending. Accurate to
     * a few ulps of the largest eigenvalue; n up to a few hundred is fast enough.
     */
    public static double[] symmetricEigenvalues(double[] matrix, int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] eig = new double[n];
        for (int i = 0; i < n; i++) {
            eig[i] = a[i][i];
        }
        java.util.Arrays.sort(eig);
        return eig;
    }

    /** Largest singular value of a row-major rows × cols matrix: √(largest eigenvalue of the smaller Gram matrix). */
    public static double largestSingularValue(double[] a, int rows, int cols) {
        if (rows <= cols) {
            double[] eig = symmetricEigenvalues(gram(a, rows, cols), rows);
            return Math.sqrt(Math.max(0, eig[rows - 1]));
        }
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return largestSingularValue(t, cols, rows);
    }
}
