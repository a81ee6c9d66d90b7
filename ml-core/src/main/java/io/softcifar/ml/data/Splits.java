package io.softcifar.ml.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded train/validation/test splits (PROTOCOL.md: 80/5/15 % of the 10,000 CIFAR-10H images → 8,000/500/1,500).
 *
 * <p><b>RNG</b>: {@code permutation(n, seed)} is a Fisher–Yates shuffle of {@code 0..n-1} driven by
 * {@code new java.util.SplittableRandom(seed)}: for {@code i = n-1} down to 1, swap position {@code i} with
 * {@code nextInt(i + 1)}. SplittableRandom is SplitMix64 (Steele, Lea &amp; Flood 2014); its {@code nextLong}/
 * {@code nextInt(bound)} algorithms are pure Java and unchanged from JDK 8 to current JDKs, so the same seed gives
 * the same permutation on every JVM and OS, and it mixes neighbouring seeds (0, 1, 2, …) well. Its Javadoc does
 * not promise the algorithm forever, so a golden-value test ({@code SplitsTest}) pins the first indices of a
 * permutation: a JDK that changed it would be noticed. Train is the first part of the permutation, validation the next, test the rest.
 */
public final class Splits {

    public static final double DEFAULT_TRAIN_FRACTION = 0.80;
    public static final double DEFAULT_VAL_FRACTION = 0.05;
    public static final double DEFAULT_TEST_FRACTION = 0.15;
    /** Allowed |trainFrac + valFrac + testFrac − 1|. */
    public static final double FRACTION_SUM_TOLERANCE = 1e-9;

    private Splits() {}

    /** The protocol's 80/5/15 split: 8000/500/1500 for n = 10,000. */
    public static Split seeded(int n, long seed) {
        return seeded(n, seed, DEFAULT_TRAIN_FRACTION, DEFAULT_VAL_FRACTION, DEFAULT_TEST_FRACTION);
    }

    /**
     * A seeded split of {@code 0..n-1}: train size {@code floor(n·trainFrac)}, validation size
     * {@code floor(n·valFrac)}, test gets the rest. (The floors use a 1e-9 slack so that binary rounding of e.g.
     * {@code 0.29·100 = 28.999999999999996} does not lose an index.)
     *
     * @throws InvalidDataException naming the field if a fraction is not in (0, 1), the fractions do not sum to 1
     *     within 1e-9, or {@code n} is too small for every part to be non-empty
     */
    public static Split seeded(int n, long seed, double trainFrac, double valFrac, double testFrac) {
        checkFraction("trainFrac", trainFrac);
        checkFraction("valFrac", valFrac);
        checkFraction("testFrac", testFrac);
        double sum = trainFrac + valFrac + testFrac;
        if (Math.abs(sum - 1) > FRACTION_SUM_TOLERANCE) {
            throw InvalidDataException.forField(
                    "trainFrac + valFrac + testFrac", "sums to " + DataFiles.fmt(sum) + " (expected 1 ± 1e-9)");
        }
        if (n < 1) {
            throw InvalidDataException.forField("n", n + " is not ≥ 1");
        }
        int nTrain = (int) Math.floor(n * trainFrac + 1e-9);
        int nVal = (int) Math.floor(n * valFrac + 1e-9);
        int nTest = n - nTrain - nVal;
        if (nTrain < 1 || nVal < 1 || nTest < 1) {
            throw InvalidDataException.forField(
                    "n",
                    n + " items are too few for fractions " + DataFiles.fmt(trainFrac)
                            + "/" + DataFiles.fmt(valFrac) + "/" + DataFiles.fmt(testFrac) + " (sizes " + nTrain + "/"
                            + nVal
                            + "/" + nTest + "; every part must be non-empty)");
        }
        int[] perm = permutation(n, seed);
        return new Split(
                Arrays.copyOfRange(perm, 0, nTrain),
                Arrays.copyOfRange(perm, nTrain, nTrain + nVal),
                Arrays.copyOfRange(perm, nTrain + nVal, n));
    }

    /** A seeded permutation of {@code 0..n-1} (Fisher–Yates with {@code SplittableRandom(seed)}; see class doc). */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw InvalidDataException.forField("n", n + " is negative");
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * {@code k} distinct indices of {@code 0..n-1}, seeded (the first k of {@link #permutation}) — e.g. the OOD
     * subset of SVHN of the same size as the test split.
     */
    public static int[] randomSubset(int n, int k, long seed) {
        if (k < 0 || k > n) {
            throw InvalidDataException.forField("k", k + " is not in 0.." + n);
        }
        return Arrays.copyOf(permutation(n, seed), k);
    }

    private static void checkFraction(String field, double f) {
        if (!(f > 0 && f < 1)) {
            throw InvalidDataException.forField(field, DataFiles.fmt(f) + " is not in (0, 1)");
        }
    }
}
