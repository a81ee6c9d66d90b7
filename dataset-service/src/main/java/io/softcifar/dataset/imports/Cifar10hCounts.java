package io.softcifar.dataset.imports;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.SoftLabels;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The optional CIFAR-10H annotator counts ({@code cifar10h-counts.npy}, int64 (N, 10)): read with DJL (ml-core reads
 * only float {@code .npy} files) and checked against the probabilities, which must equal counts / row sum within
 * {@link SoftLabels#SUM_TOLERANCE}.
 */
final class Cifar10hCounts {

    private Cifar10hCounts() {}

    /**
     * @throws InvalidDataException naming the counts file if it is not an int64/int32 (N, K) {@code .npy} of non-negative
     *     counts with positive row sums, has another number of rows or columns than {@code probs}, or disagrees with it
     */
    static void checkAgainst(Path countsFile, SoftLabels probs) {
        long[] shape;
        long[] counts;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                InputStream in = new BufferedInputStream(Files.newInputStream(countsFile))) {
            NDList list;
            try {
                list = NDList.decode(m, in);
            } catch (RuntimeException e) {
                throw InvalidDataException.forFile(
                        countsFile, "cannot decode .npy (truncated or unsupported dtype?): " + e.getMessage(), e);
            }
            if (list.size() != 1) {
                throw InvalidDataException.forFile(
                        countsFile, "holds " + list.size() + " arrays (expected 1 .npy array)");
            }
            NDArray a = list.get(0);
            DataType t = a.getDataType();
            shape = a.getShape().getShape();
            if (t != DataType.INT64 && t != DataType.INT32) {
                throw InvalidDataException.forFile(
                        countsFile,
                        "dtype " + t.name().toLowerCase(Locale.ROOT) + " is not int64 (annotator counts) (shape "
                                + shape(shape) + ")");
            }
            counts = t == DataType.INT64
                    ? a.toLongArray()
                    : Arrays.stream(a.toIntArray()).asLongStream().toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(countsFile + ": cannot read: " + e.getMessage(), e);
        }
        int k = probs.numClasses();
        if (shape.length != 2 || shape[1] != k) {
            throw InvalidDataException.forFile(countsFile, "shape " + shape(shape) + " is not (N, " + k + ")");
        }
        if (shape[0] != probs.count()) {
            throw InvalidDataException.forFile(
                    countsFile, shape[0] + " rows but " + probs.source() + " has " + probs.count());
        }
        for (int i = 0; i < probs.count(); i++) {
            long sum = 0;
            for (int j = 0; j < k; j++) {
                long c = counts[i * k + j];
                if (c < 0) {
                    throw InvalidDataException.forFile(
                            countsFile, "row " + i + " column " + j + " is " + c + " (expected a count ≥ 0)");
                }
                sum += c;
            }
            if (sum == 0) {
                throw InvalidDataException.forFile(countsFile, "row " + i + " has no annotations (all counts 0)");
            }
            for (int j = 0; j < k; j++) {
                double expected = (double) counts[i * k + j] / sum;
                double p = probs.get(i, j);
                if (Math.abs(expected - p) > SoftLabels.SUM_TOLERANCE) {
                    throw InvalidDataException.forFile(
                            countsFile,
                            "row " + i + " gives " + counts[i * k + j] + "/" + sum
                                    + " = " + expected + " for class " + j + " but " + probs.source() + " has " + p
                                    + " (they must agree within 1e-6)");
                }
            }
        }
    }

    private static String shape(long[] s) {
        if (s.length == 1) {
            return "(" + s[0] + ",)";
        }
        return Arrays.stream(s).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
