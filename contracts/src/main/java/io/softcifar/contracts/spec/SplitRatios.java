package io.softcifar.contracts.spec;

/**
 * Fractions of the images that go to each split. Train is the first part of the seeded permutation, validation the
 * next, test the rest; sizes are {@code floor(n·fraction)} for train and validation (as ml-core's {@code Splits}).
 *
 * @param train      fraction for training, &gt; 0
 * @param validation fraction for early stopping, &gt; 0
 * @param test       fraction for evaluation; 0 for protocol peterson, whose test set is the CIFAR-10 training images
 */
public record SplitRatios(double train, double validation, double test) {

    /** PROTOCOL.md: 80/5/15 % → 8,000 / 500 / 1,500 images. */
    public static final SplitRatios PROTOCOL = new SplitRatios(0.8, 0.05, 0.15);
    /** Peterson et al. 2019: all CIFAR-10H images are for training and validation. */
    public static final SplitRatios PETERSON = new SplitRatios(0.95, 0.05, 0.0);

    /** Allowed |train + validation + test − 1|. */
    public static final double SUM_TOLERANCE = 1e-9;

    /** Train, validation and test sizes for {@code n} images, as the dataset service will cut them. */
    public int[] sizes(int n) {
        int nTrain = (int) Math.floor(n * train + 1e-9);
        int nValidation = (int) Math.floor(n * validation + 1e-9);
        return new int[] {nTrain, nValidation, n - nTrain - nValidation};
    }

    void validate(String prefix, boolean testMustBeZero, Problems problems) {
        // & rather than &&: every fraction is checked, so one answer lists all the bad ones
        @SuppressWarnings("ShortCircuitBoolean")
        boolean inRange = checkFraction(prefix + ".train", train, problems)
                & checkFraction(prefix + ".validation", validation, problems)
                & checkFraction(prefix + ".test", test, problems);
        if (!inRange) {
            return;
        }
        problems.check(train > 0, prefix + ".train", "must be > 0, got 0");
        problems.check(
                validation > 0, prefix + ".validation", "must be > 0 (early stopping needs a validation split), got 0");
        if (testMustBeZero) {
            problems.check(
                    test == 0,
                    prefix + ".test",
                    "must be 0 for protocol " + DatasetSpec.PROTOCOL_PETERSON
                            + " (its test set is the 50,000 CIFAR-10 training images), got " + Problems.fmt(test));
        } else {
            problems.check(
                    test > 0,
                    prefix + ".test",
                    "must be > 0 for protocol " + DatasetSpec.PROTOCOL_SPLIT
                            + " (evaluation uses the test split), got 0");
        }
        double sum = train + validation + test;
        problems.check(Math.abs(sum - 1) <= SUM_TOLERANCE, prefix, "train + validation + test must be 1, got " + sum);
    }

    private static boolean checkFraction(String field, double value, Problems problems) {
        return problems.check(value >= 0 && value <= 1, field, "must be in [0, 1], got " + value);
    }
}
