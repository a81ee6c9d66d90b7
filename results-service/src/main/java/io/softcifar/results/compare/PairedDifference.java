package io.softcifar.results.compare;

import io.softcifar.contracts.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Soft minus hard for one metric of one pair of configurations that differ only in the label mode, paired by seed
 * (the same seed means the same split and the same initialisation): the mean difference, its standard error and a
 * two-sided paired t-test over the seeds both configurations have. Below {@link #MIN_SEEDS} common seeds nothing is
 * computed (a t-test on two differences says nothing a reader should act on).
 *
 * @param metric  the metric
 * @param n       seeds evaluated in both configurations
 * @param seeds   those seeds
 * @param mean    mean of soft − hard (null below {@link #MIN_SEEDS})
 * @param stdErr  standard error of that mean (sample standard deviation / √n)
 * @param t       the t statistic (null when every difference is the same up to rounding: no spread, no test)
 * @param pValue  two-sided p-value under Student's t with n − 1 degrees of freedom
 */
public record PairedDifference(
        String metric,
        int n,
        List<Long> seeds,
        @Nullable Double mean,
        @Nullable Double stdErr,
        @Nullable Double t,
        @Nullable Double pValue) {

    /** The fewest common seeds for which a difference and a test are shown. */
    public static final int MIN_SEEDS = 3;

    /** A standard error below this (relative to the mean, at least 1) is floating-point rounding, not spread. */
    static final double NO_SPREAD = 1e-12;

    /** The paired difference of {@code soft} and {@code hard} (seed → value; missing or non-finite values skipped). */
    public static PairedDifference of(String metric, Map<Long, Double> soft, Map<Long, Double> hard) {
        TreeMap<Long, Double> diffs = new TreeMap<>();
        soft.forEach((seed, s) -> {
            Double h = hard.get(seed);
            if (s != null && h != null && Double.isFinite(s) && Double.isFinite(h)) {
                diffs.put(seed, s - h);
            }
        });
        List<Long> seeds = new ArrayList<>(diffs.keySet());
        int n = seeds.size();
        if (n < MIN_SEEDS) {
            return new PairedDifference(metric, n, seeds, null, null, null, null);
        }
        double mean = diffs.values().stream().mapToDouble(Double::doubleValue).sum() / n;
        double ss = 0;
        for (double d : diffs.values()) {
            ss += (d - mean) * (d - mean);
        }
        double stdErr = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        // equal differences (0.05 − 0.02 and 0.07 − 0.04 differ only by rounding, ~1e-17) have no spread to test
        if (!(stdErr > NO_SPREAD * Math.max(1, Math.abs(mean)))) {
            return new PairedDifference(metric, n, seeds, mean, stdErr, null, null);
        }
        double t = mean / stdErr;
        double p = 2 * TDistribution.of(n - 1).survivalProbability(Math.abs(t));
        return new PairedDifference(metric, n, seeds, mean, stdErr, t, Math.min(1.0, p));
    }
}
