package io.softcifar.ml.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Index sets into a dataset: train, validation, test. The arrays are shared, not copied: treat them as
 * read-only.
 */
public record Split(int[] train, int[] val, int[] test) {

    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(val, "val");
        Objects.requireNonNull(test, "test");
    }

    /** Only the first {@code limit} train indices (all of them if there are fewer); val and test unchanged. */
    public Split limitTrain(int limit) {
        return limit(limit, val.length, test.length);
    }

    /**
     * The first {@code maxTrain}, {@code maxVal}, {@code maxTest} indices of each part (for quick runs). As the
     * parts are in permutation order, a prefix is itself a seeded random subset.
     *
     * @throws InvalidDataException if a limit is negative
     */
    public Split limit(int maxTrain, int maxVal, int maxTest) {
        return new Split(
                prefix("maxTrain", train, maxTrain), prefix("maxVal", val, maxVal), prefix("maxTest", test, maxTest));
    }

    private static int[] prefix(String field, int[] a, int max) {
        if (max < 0) {
            throw InvalidDataException.forField(field, max + " is negative");
        }
        return max >= a.length ? a : Arrays.copyOf(a, max);
    }

    /** Total number of indices. */
    public int size() {
        return train.length + val.length + test.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Split s
                && Arrays.equals(train, s.train)
                && Arrays.equals(val, s.val)
                && Arrays.equals(test, s.test);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(train), Arrays.hashCode(val), Arrays.hashCode(test));
    }

    @Override
    public String toString() {
        return "Split[train=" + train.length + ", val=" + val.length + ", test=" + test.length + "]";
    }
}
