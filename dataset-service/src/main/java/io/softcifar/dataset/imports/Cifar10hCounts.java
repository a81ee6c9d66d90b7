package io.softcifar.dataset.imports;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.NpyFiles;
import io.softcifar.ml.data.SoftLabels;
import java.nio.file.Path;

/**
 * The optional CIFAR-10H annotator counts ({@code cifar10h-counts.npy}, int64 (N, 10)): read with ml-core's
 * {@link NpyFiles#readIntegers} and checked against the probabilities, which must equal counts / row sum within
 * {@link SoftLabels#SUM_TOLERANCE}.
 */
final class Cifar10hCounts {

    private Cifar10hCounts() {}

    /**
     * @throws InvalidDataException naming the counts file if it is not an int64/int32 (N, K) {@code .npy} of non-negative
     *     counts with positive row sums, has another number of rows or columns than {@code probs}, or disagrees with it
     */
    static void checkAgainst(Path countsFile, SoftLabels probs) {
        NpyFiles.Integers read = NpyFiles.readIntegers(countsFile, "int64 (annotator counts)");
        long[] shape = read.shape();
        long[] counts = read.data();
        int k = probs.numClasses();
        if (shape.length != 2 || shape[1] != k) {
            throw InvalidDataException.forFile(
                    countsFile, "shape " + NpyFiles.shapeString(shape) + " is not (N, " + k + ")");
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
}
