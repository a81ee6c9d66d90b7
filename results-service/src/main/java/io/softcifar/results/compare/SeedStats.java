package io.softcifar.results.compare;

import java.util.List;

/**
 * One metric of one configuration across seeds: mean ± standard error, as in the protocol's table.
 * {@code std} is the sample standard deviation (divisor n − 1) and {@code stdErr} = std / √n. With one value the
 * spread is undefined: both are reported as null (the JSON says so, rather than a misleading 0).
 *
 * <p>The project's only seed summary (ml-core had a second one, unused, removed with issue 17): it lives here, in
 * plain Java, because the comparison is where seeds are summarised and a service that averages numbers should not
 * load ml-core's deep-learning engine.
 */
public record SeedStats(int n, double mean, Double std, Double stdErr) {

    public static SeedStats of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("values: at least one");
        }
        for (int i = 0; i < n; i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("values[" + i + "]: must be a finite number, got " + v);
            }
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
