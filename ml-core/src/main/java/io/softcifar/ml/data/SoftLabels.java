package io.softcifar.ml.data;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A validated N×K matrix of label distributions (CIFAR-10H: K = 10), stored row-major as doubles.
 *
 * <p>Every row is finite, non-negative and sums to 1 within {@link #SUM_TOLERANCE}. {@link #source()} names
 * where the rows came from (the file, or a description) and starts every error message about them.
 */
public final class SoftLabels {

    /** Allowed |row sum − 1|. */
    public static final double SUM_TOLERANCE = 1e-6;
    /** Columns of CIFAR-10H. */
    public static final int CIFAR10_CLASSES = 10;

    private static final Set<DataType> FLOAT_TYPES = Set.of(DataType.FLOAT64, DataType.FLOAT32);

    private final String source;
    private final int count;
    private final int numClasses;
    private final double[] probs;

    private SoftLabels(String source, int count, int numClasses, double[] probs) {
        this.source = source;
        this.count = count;
        this.numClasses = numClasses;
        this.probs = probs;
    }

    /** Reads an N×10 float64 (or float32) {@code .npy} such as {@code cifar10h-probs.npy}. */
    public static SoftLabels read(Path file) {
        return read(file, CIFAR10_CLASSES);
    }

    /**
     * Reads an N×{@code numClasses} float64 (or float32) {@code .npy} with DJL and validates it.
     *
     * @throws InvalidDataException naming the file if it is missing or not a .npy, has another dtype or shape, or
     *     holds a row that is not a probability distribution
     */
    public static SoftLabels read(Path file, int numClasses) {
        Npy.Array a = Npy.read(file, FLOAT_TYPES, "float64 or float32");
        long[] shape = a.shape();
        if (shape.length != 2) {
            throw InvalidDataException.forFile(
                    file, "shape " + a.shapeString() + " is not 2-D (expected (N, " + numClasses + "))");
        }
        if (shape[1] != numClasses) {
            throw InvalidDataException.forFile(
                    file, "shape " + a.shapeString() + " has " + shape[1] + " columns (expected " + numClasses + ")");
        }
        if (shape[0] == 0) {
            throw InvalidDataException.forFile(file, "shape " + a.shapeString() + " has no rows");
        }
        return validated(file.toString(), a.data(), (int) shape[0], numClasses);
    }

    /** Validates {@code rows} (copied); {@code source} names them in error messages. */
    public static SoftLabels of(String source, double[][] rows) {
        Objects.requireNonNull(source, "source");
        if (rows.length == 0) {
            throw new InvalidDataException(source + ": no rows");
        }
        int k = rows[0].length;
        if (k == 0) {
            throw new InvalidDataException(source + ": rows have no columns");
        }
        double[] flat = new double[Math.multiplyExact(rows.length, k)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != k) {
                throw new InvalidDataException(
                        source + ": row " + i + " has " + rows[i].length + " columns but row 0 has " + k);
            }
            System.arraycopy(rows[i], 0, flat, i * k, k);
        }
        return validated(source, flat, rows.length, k);
    }

    /** {@code of("soft labels", rows)}. */
    public static SoftLabels of(double[][] rows) {
        return of("soft labels", rows);
    }

    /** Writes N×K float64 {@code .npy} (DJL's NumPy encoder; see {@link Npy}). Rows are validated first. */
    public static void write(Path file, double[][] rows) {
        write(file, of(file.toString(), rows));
    }

    /** Writes these soft labels as an N×K float64 {@code .npy}. */
    public static void write(Path file, SoftLabels labels) {
        Npy.writeFloat64(file, labels.probs, labels.count, labels.numClasses);
    }

    private static SoftLabels validated(String source, double[] flat, int n, int k) {
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double p = flat[i * k + j];
                if (Double.isNaN(p) || Double.isInfinite(p)) {
                    throw new InvalidDataException(
                            source + ": row " + i + " column " + j + " is " + p + " (expected a finite probability)");
                }
                if (p < 0) {
                    throw new InvalidDataException(
                            source + ": row " + i + " column " + j + " is " + DataFiles.fmt(p) + " (expected ≥ 0)");
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new InvalidDataException(
                        source + ": row " + i + " sums to " + DataFiles.fmt(sum) + " (expected 1 ± 1e-6)");
            }
        }
        return new SoftLabels(source, n, k, flat);
    }

    /** The file (or description) these rows came from. */
    public String source() {
        return source;
    }

    /** Number of rows N. */
    public int count() {
        return count;
    }

    /** Number of classes K. */
    public int numClasses() {
        return numClasses;
    }

    /** p(class k | image i). */
    public double get(int i, int k) {
        Objects.checkIndex(i, count);
        Objects.checkIndex(k, numClasses);
        return probs[i * numClasses + k];
    }

    /** A copy of row {@code i}. */
    public double[] row(int i) {
        Objects.checkIndex(i, count);
        return Arrays.copyOfRange(probs, i * numClasses, (i + 1) * numClasses);
    }

    /** A copy as N rows. */
    public double[][] toArray() {
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            out[i] = row(i);
        }
        return out;
    }

    /** A row-major N·K copy as doubles. */
    public double[] toFlatArray() {
        return probs.clone();
    }

    /** A row-major N·K copy as floats (e.g. for an NDArray of targets). */
    public float[] toFloatArray() {
        float[] out = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            out[i] = (float) probs[i];
        }
        return out;
    }

    /** Index of the largest probability of row {@code i}; ties go to the lowest index (like numpy.argmax). */
    public int argmax(int i) {
        Objects.checkIndex(i, count);
        int base = i * numClasses;
        int best = 0;
        for (int k = 1; k < numClasses; k++) {
            if (probs[base + k] > probs[base + best]) {
                best = k;
            }
        }
        return best;
    }

    /** {@link #argmax(int)} of every row. */
    public int[] argmaxes() {
        return IntStream.range(0, count).map(this::argmax).toArray();
    }

    /** Largest probability of row {@code i}. */
    public double maxProb(int i) {
        return probs[i * numClasses + argmax(i)];
    }

    /** Shannon entropy of row {@code i} in nats (natural log), with 0·ln 0 = 0. */
    public double entropy(int i) {
        Objects.checkIndex(i, count);
        double h = 0;
        for (int k = 0; k < numClasses; k++) {
            double p = probs[i * numClasses + k];
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** {@link #entropy(int)} of every row. */
    public double[] entropies() {
        return IntStream.range(0, count).mapToDouble(this::entropy).toArray();
    }

    /**
     * Rows whose entropy is strictly below {@code threshold} become the one-hot of their {@link #argmax(int)};
     * the others are kept. A threshold of 0 changes nothing.
     *
     * @throws InvalidDataException if the threshold is NaN or negative
     */
    public SoftLabels withEntropyThreshold(double threshold) {
        if (Double.isNaN(threshold) || threshold < 0) {
            throw InvalidDataException.forField("entropyThreshold", DataFiles.fmt(threshold) + " is not ≥ 0");
        }
        double[] out = probs.clone();
        for (int i = 0; i < count; i++) {
            if (entropy(i) < threshold) {
                int hard = argmax(i);
                Arrays.fill(out, i * numClasses, (i + 1) * numClasses, 0.0);
                out[i * numClasses + hard] = 1.0;
            }
        }
        return new SoftLabels(source, count, numClasses, out);
    }

    /** The rows at {@code indices}, in that order. */
    public SoftLabels subset(int[] indices) {
        double[] out = new double[Math.multiplyExact(indices.length, numClasses)];
        for (int j = 0; j < indices.length; j++) {
            int i = Objects.checkIndex(indices[j], count);
            System.arraycopy(probs, i * numClasses, out, j * numClasses, numClasses);
        }
        return new SoftLabels(source, indices.length, numClasses, out);
    }

    /** One-hot rows of {@code labels} (each 0..numClasses-1). */
    public static SoftLabels oneHot(String source, int[] labels, int numClasses) {
        double[] out = new double[Math.multiplyExact(labels.length, numClasses)];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) {
                throw new InvalidDataException(
                        source + ": label " + l + " of row " + i + " is not in 0.." + (numClasses - 1));
            }
            out[i * numClasses + l] = 1.0;
        }
        return new SoftLabels(source, labels.length, numClasses, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftLabels other
                && count == other.count
                && numClasses == other.numClasses
                && Arrays.equals(probs, other.probs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * count + numClasses) + Arrays.hashCode(probs);
    }

    @Override
    public String toString() {
        return "SoftLabels[" + count + "×" + numClasses + " from " + source + "]";
    }
}
