package io.softcifar.results.compare;

import java.util.List;

/**
 * One metric of one configuration across seeds: mean ± standard error, as in the protocol's table.
 * {@code std} is the sample standard deviation (divisor n − 1) and {@code stdErr} = std / √n. With one value the
 * spread is undefined: both are reported as null (the JSON says so, rather than a misleading 0).
 *
 * <p>(ml-core's {@code SeedStatistics} computes the same, but ml-core brings DJL and the PyTorch natives; a service
 * that only averages numbers should not load a deep-learning engine.)
 */
public record SeedStats(int n, double mean, Double std, Double stdErr) {

    public static SeedStats of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("values: at least one");
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new SeedStats(1, mean, null, null);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        return new SeedStats(n, mean, std, std / Math.sqrt(n));
    }
}
