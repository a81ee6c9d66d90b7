package io.softcifar.results.compare;

import java.util.Locale;

/**
 * Which way a metric is better, read from its {@code split/metric} name: accuracy, AUROC, AUPR, precision and recall
 * are better higher; ECE, overconfidence, NLL, Brier, cross-entropy, KL, losses and attack decreases better lower.
 * A metric the service does not know gets no "best".
 */
public enum MetricDirection {
    HIGHER,
    LOWER,
    UNKNOWN;

    public static MetricDirection of(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        String name = m.substring(m.indexOf('/') + 1);
        if (name.contains("ece") || name.contains("overconfidence") || name.contains("nll") || name.contains("brier")
                || name.contains("cross_entropy") || name.contains("kl") || name.contains("loss")
                || name.contains("decrease") || name.contains("error")) {
            return LOWER;
        }
        if (name.contains("accuracy") || name.contains("auroc") || name.contains("aupr")
                || name.contains("precision") || name.contains("recall")) {
            return HIGHER;
        }
        return UNKNOWN;
    }

    /** Whether {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return switch (this) {
            case HIGHER -> a > b;
            case LOWER -> a < b;
            case UNKNOWN -> false;
        };
    }
}
