package io.softcifar.contracts.metrics;

import java.util.Locale;

/**
 * How a metric is shown to a person: the stored value times {@code scale}, with {@code decimals} digits for a mean
 * and {@code errorDecimals} for its standard error, followed by {@code unit} where a header names it. The wire and
 * the CSV always carry the raw value (accuracy as a fraction in [0, 1]); only tables and pages scale.
 *
 * @param scale         factor from the stored value to the shown one (100 for percent)
 * @param unit          "%" or empty
 * @param decimals      digits after the point of a value or mean
 * @param errorDecimals digits after the point of a standard error
 */
public record MetricFormat(double scale, String unit, int decimals, int errorDecimals) {

    /** A fraction shown as percent, 3 decimals for mean and error (0.82 → "82.000"), as PROTOCOL.md's table. */
    public static final MetricFormat PERCENT = new MetricFormat(100, "%", 3, 3);
    /** A score in [0, 1] with 3 decimals and a 4-decimal error (AUROC "0.720 ± 0.0200"), as PROTOCOL.md's table. */
    public static final MetricFormat SCORE = new MetricFormat(1, "", 3, 4);
    /** A small value with 4 decimals for mean and error (ECE "0.0600 ± 0.0100"), as PROTOCOL.md's table. */
    public static final MetricFormat FINE = new MetricFormat(1, "", 4, 4);

    public MetricFormat {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale: must be finite and > 0, got " + scale);
        }
        if (unit == null) {
            throw new IllegalArgumentException("unit: must not be null (empty for none)");
        }
        if (decimals < 0 || errorDecimals < 0) {
            throw new IllegalArgumentException("decimals: must be >= 0, got " + decimals + " and " + errorDecimals);
        }
    }

    /** The value as shown, e.g. {@code PERCENT.value(0.82)} → "82.000". */
    public String value(double v) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v * scale);
    }

    /** A standard error as shown, e.g. {@code SCORE.error(0.02)} → "0.0200". */
    public String error(double se) {
        return String.format(Locale.ROOT, "%." + errorDecimals + "f", se * scale);
    }
}
