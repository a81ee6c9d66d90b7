package io.softcifar.results.compare;

import io.softcifar.contracts.metrics.Direction;
import io.softcifar.contracts.metrics.MetricCatalogue;

/**
 * Which way a metric is better, as the comparison reports it (JSON {@code directions}, the CSV's direction column):
 * the direction of the metric's entry in contracts' {@link MetricCatalogue}. A metric the catalogue does not list
 * (an older evaluator, a name from elsewhere) or that has no direction is {@link #UNKNOWN} and gets no "best".
 */
public enum MetricDirection {
    HIGHER(Direction.HIGHER),
    LOWER(Direction.LOWER),
    UNKNOWN(Direction.NONE);

    private final Direction direction;

    MetricDirection(Direction direction) {
        this.direction = direction;
    }

    public static MetricDirection of(String metric) {
        return MetricCatalogue.lookup(metric)
                .map(d -> switch (d.direction()) {
                    case HIGHER -> HIGHER;
                    case LOWER -> LOWER;
                    case NONE -> UNKNOWN;
                })
                .orElse(UNKNOWN);
    }

    /** Whether {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return direction.better(a, b);
    }
}
