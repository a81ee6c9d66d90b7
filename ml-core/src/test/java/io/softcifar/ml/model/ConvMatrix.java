package io.softcifar.ml.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Test helper: a 2-D convolution (zero padding k/2, stride s, no bias) on one (cin, h, h) image written out as a
 * matrix, built directly from the kernel values, and its exact largest singular value. Row (o, i, j) holds, for every
 * kernel tap that lands inside the image, column (c, i·s + a − p, j·s + b − p) with value W[o, c, a, b]; taps on the
 * zero padding contribute nothing. Stored as sparse rows; the spectral norm comes from a dense eigen-decomposition
 * (EJML, symmetric QR algorithm) of the smaller Gram matrix.
 */
public record ConvMatrix(int rows, int cols, int[][] colIndex, double[][] value) {

    /** @param w kernel (cout, cin, k, k) row-major */
    public static ConvMatrix of(double[] w, int cout, int cin, int k, int h, int stride) {
        int pad = k / 2;
        int oh = outputSize(h, k, stride);
        int rows = cout * oh * oh;
        int[][] idx = new int[rows][];
        double[][] val = new double[rows][];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < oh; j++) {
                    List<Integer> cols = new ArrayList<>();
                    List<Double> vs = new ArrayList<>();
                    for (int c = 0; c < cin; c++) {
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                int y = i * stride + a - pad;
                                int x = j * stride + b - pad;
                                if (y >= 0 && y < h && x >= 0 && x < h) {
                                    cols.add((c * h + y) * h + x);
                                    vs.add(w[((o * cin + c) * k + a) * k + b]);
                                }
                            }
                        }
                    }
                    int r = (o * oh + i) * oh + j;
                    idx[r] = cols.stream().mapToInt(Integer::intValue).toArray();
                    val[r] = vs.stream().mapToDouble(Double::doubleValue).toArray();
                }
            }
        }
        return new ConvMatrix(rows, cin * h * h, idx, val);
    }

    /** Output height of a k×k convolution with padding k/2 and stride s on h rows. */
    public static int outputSize(int h, int k, int stride) {
        return (h + 2 * (k / 2) - k) / stride + 1;
    }

    /**
     * The input size each conv of the CIFAR ResNet sees on image × image inputs, from its dotted weight path: stage 1
     * at the image size, the first conv and projection of stage s + 1 at stage s's size, the rest at their stage's.
     */
    public static int resNetInputSize(String path, int image) {
        int stage2 = outputSize(image, 3, 2);
        int stage3 = outputSize(stage2, 3, 2);
        if (path.startsWith("backbone.stem")
                || path.startsWith("backbone.stage1")
                || path.matches("backbone\\.stage2\\.block0\\.(conv1|shortcut)\\.weight")) {
            return image;
        }
        if (path.startsWith("backbone.stage2")
                || path.matches("backbone\\.stage3\\.block0\\.(conv1|shortcut)\\.weight")) {
            return stage2;
        }
        return stage3;
    }

    /** Stride 2 at the first conv and the projection of stages 2 and 3, 1 elsewhere. */
    public static int resNetStride(String path) {
        return path.matches("backbone\\.stage[23]\\.block0\\.(conv1|shortcut)\\.weight") ? 2 : 1;
    }

    public double[] times(double[] x) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int t = 0; t < colIndex[r].length; t++) {
                s += value[r][t] * x[colIndex[r][t]];
            }
            y[r] = s;
        }
        return y;
    }

    /** Largest singular value: √ of the largest eigenvalue of AᵀA or AAᵀ, whichever is smaller. */
    public double largestSingularValue() {
        double[][] gram;
        if (cols <= rows) {
            gram = new double[cols][cols];
            for (int r = 0; r < rows; r++) {
                for (int p = 0; p < colIndex[r].length; p++) {
                    for (int q = 0; q < colIndex[r].length; q++) {
                        gram[colIndex[r][p]][colIndex[r][q]] += value[r][p] * value[r][q];
                    }
                }
            }
        } else {
            double[][] dense = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < colIndex[r].length; t++) {
                    dense[r][colIndex[r][t]] = value[r][t];
                }
            }
            gram = new double[rows][rows];
            for (int r = 0; r < rows; r++) {
                for (int q = r; q < rows; q++) {
                    double s = 0;
                    for (int t = 0; t < colIndex[r].length; t++) {
                        s += value[r][t] * dense[q][colIndex[r][t]];
                    }
                    gram[r][q] = s;
                    gram[q][r] = s;
                }
            }
        }
        int n = gram.length;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        if (!eig.decompose(new DMatrixRMaj(gram))) {
            throw new IllegalStateException("eigen-decomposition of a " + n + "×" + n + " Gram matrix failed");
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, eig.getEigenvalue(i).getReal());
        }
        return Math.sqrt(max);
    }
}
