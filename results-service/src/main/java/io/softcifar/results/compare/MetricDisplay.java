package io.softcifar.results.compare;

import io.softcifar.contracts.metrics.MetricCatalogue;
import io.softcifar.contracts.metrics.MetricDefinition;

/**
 * How a page shows one metric, from contracts' {@link MetricCatalogue}: header, one-line description, and the format
 * (shown value = stored value × {@code scale}, {@code decimals} for a mean, {@code errorDecimals} for its error).
 * A metric the catalogue does not know is shown raw under its own name.
 */
public record MetricDisplay(
        String label, String description, double scale, String unit, int decimals, int errorDecimals) {

    public static MetricDisplay of(String metric) {
        return MetricCatalogue.lookup(metric)
                .map(d -> of(metric, d))
                .orElseGet(() -> new MetricDisplay(metric, "not in the metric catalogue", 1, "", 4, 4));
    }

    private static MetricDisplay of(String metric, MetricDefinition d) {
        // a family ("ood/<set>_auroc") names its member: "OOD AUROC (ood/svhn_auroc)"
        String label = d.name().equals(metric) ? d.label() : d.label() + " (" + metric + ")";
        return new MetricDisplay(
                label,
                d.description(),
                d.format().scale(),
                d.format().unit(),
                d.format().decimals(),
                d.format().errorDecimals());
    }
}
