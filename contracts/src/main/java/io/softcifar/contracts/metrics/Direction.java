package io.softcifar.contracts.metrics;

/** Which way a metric is better. */
public enum Direction {
    /** Larger values are better (accuracy, AUROC). */
    HIGHER,
    /** Smaller values are better (ECE, NLL, the FGSM decrease). */
    LOWER,
    /** Neither: a value to read, not to rank (no "best" is marked). */
    NONE;

    /** Whether {@code a} is strictly better than {@code b}; never for {@link #NONE}. */
    public boolean better(double a, double b) {
        return switch (this) {
            case HIGHER -> a > b;
            case LOWER -> a < b;
            case NONE -> false;
        };
    }
}
