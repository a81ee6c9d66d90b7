package io.softcifar.ml.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report: named metrics in insertion order plus the reliability-diagram bins. Immutable; serializes with
 * Jackson as {@code {"metrics": {"test/accuracy": 0.83, ...}, "reliability": [{...}, ...]}} and reads back the same.
 *
 * <p>Values must be finite (so the JSON is standard); a metric that was not computed is simply absent.
 *
 * @param metrics     metric name → value, iteration order = insertion order (copied into a {@link LinkedHashMap})
 * @param reliability reliability-diagram bins of the predicted confidence; empty if not computed
 */
public record MetricSet(Map<String, Double> metrics, List<ReliabilityBin> reliability) {

    public MetricSet {
        LinkedHashMap<String, Double> copy = new LinkedHashMap<>();
        if (metrics != null) {
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                copy.put(e.getKey(), checkValue(e.getKey(), e.getValue()));
            }
        }
        metrics = Collections.unmodifiableMap(copy);
        reliability = reliability == null ? List.of() : List.copyOf(reliability);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of {@code name}; throws if absent. */
    public double get(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric named " + name + "; present: " + metrics.keySet());
        }
        return v;
    }

    /** A copy with {@code name} set (replaced in place if already present, appended otherwise). */
    public MetricSet with(String name, double value) {
        LinkedHashMap<String, Double> copy = new LinkedHashMap<>(metrics);
        copy.put(name, value);
        return new MetricSet(copy, reliability);
    }

    private static Double checkValue(String name, Double value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name is null or blank");
        }
        if (value == null) {
            throw new IllegalArgumentException("metric " + name + " is null");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + name + " is " + Validation.describe(value));
        }
        return value;
    }

    /** Collects metrics in order. */
    public static final class Builder {
        private final LinkedHashMap<String, Double> metrics = new LinkedHashMap<>();
        private final List<ReliabilityBin> reliability = new ArrayList<>();

        private Builder() {}

        public Builder put(String name, double value) {
            metrics.put(name, checkValue(name, value));
            return this;
        }

        public Builder putAll(Map<String, Double> values) {
            values.forEach((k, v) -> put(k, v));
            return this;
        }

        public Builder reliability(List<ReliabilityBin> bins) {
            reliability.clear();
            reliability.addAll(bins);
            return this;
        }

        public MetricSet build() {
            return new MetricSet(metrics, reliability);
        }
    }
}
