package io.softcifar.ml.metrics;

/**
 * Summary of one metric across seeds: mean ± standard error, as in the protocol's table.
 *
 * <p>{@code std} is the sample standard deviation (divisor n − 1) and {@code stdErr} = std / √n. With a single
 * value the spread is undefined; by convention {@code std} and {@code stdErr} are then reported as 0 (not NaN, so
 * JSON stays standard) and {@code singleSample} is {@code true} — do not read 0 as "no variation".
 *
 * @param n            number of values (seeds), ≥ 1
 * @param mean         arithmetic mean
 * @param std          sample standard deviation (n − 1), 0 if n = 1
 * @param stdErr       std / √n, 0 if n = 1
 * @param singleSample true iff n = 1 (std and stdErr are placeholders)
 */
public record SeedStatistics(int n, double mean, double std, double stdErr, boolean singleSample) {

    /** Statistics of the given values; rejects null, empty and non-finite input. */
    public static SeedStatistics of(double[] values) {
        Validation.requireFiniteVector("values", values);
        int n = values.length;
        double mean = 0.0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new SeedStatistics(1, mean, 0.0, 0.0, true);
        }
        double ss = 0.0;
        for (double v : values) {
            double d = v - mean;
            ss += d * d;
        }
        double std = Math.sqrt(ss / (n - 1));
        return new SeedStatistics(n, mean, std, std / Math.sqrt(n), false);
    }

    /** "mean ± stdErr" with the given number of decimals, e.g. {@code format(3)} → "82.917 ± 0.841". */
    public String format(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(java.util.Locale.ROOT, f + " ± " + f, mean, stdErr);
    }
}
