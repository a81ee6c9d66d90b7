package io.softcifar.contracts.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.spec.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The grid of a study: its lists read into dimensions (checked for empty, oversized, null and duplicate values),
 * settings no configuration would use, and every combination of the values (the grid points).
 */
final class GridDimensions {

    /** One grid list: request field, RunSpec field, values. */
    record Dimension(String gridField, String specField, List<?> values) {}

    /** Grid lists in expansion order (the first varies slowest), with the RunSpec field each one sets. */
    private static final Map<String, String> GRID_FIELDS = new LinkedHashMap<>();

    static {
        GRID_FIELDS.put("methods", "method");
        GRID_FIELDS.put("augment", "augment");
        GRID_FIELDS.put("mixing", "mixing");
        GRID_FIELDS.put("labelModes", "labelMode");
        GRID_FIELDS.put("dropoutRates", "dropoutRate");
        GRID_FIELDS.put("mixAlpha", "mixAlpha");
        GRID_FIELDS.put("mixProbability", "mixProbability");
        GRID_FIELDS.put("depth", "depth");
        GRID_FIELDS.put("epochs", "epochs");
        GRID_FIELDS.put("batchSize", "batchSize");
        GRID_FIELDS.put("learningRate", "learningRate");
        GRID_FIELDS.put("momentum", "momentum");
        GRID_FIELDS.put("weightDecay", "weightDecay");
        GRID_FIELDS.put("warmupEpochs", "warmupEpochs");
        GRID_FIELDS.put("gamma", "gamma");
        GRID_FIELDS.put("entropyThreshold", "entropyThreshold");
    }

    private GridDimensions() {}

    static List<Dimension> dimensions(Grid grid, StudyErrors errors) {
        if (grid == null) {
            return List.of();
        }
        ObjectNode tree = EventCodec.json().valueToTree(grid);
        List<Dimension> dimensions = new ArrayList<>();
        for (Map.Entry<String, String> f : GRID_FIELDS.entrySet()) {
            JsonNode list = tree.get(f.getKey());
            if (list == null || list.isNull()) {
                continue;
            }
            String field = "grid." + f.getKey();
            if (list.isEmpty()) {
                errors.add(field, "must list at least one value (leave it out for the run default)");
                continue;
            }
            if (list.size() > Limits.MAX_CONFIGURATIONS) {
                // refused before the values are compared with each other (quadratic in the list's length)
                errors.add(field, Limits.atMost(Limits.MAX_CONFIGURATIONS, "values", list.size()));
                continue;
            }
            List<Object> values = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < list.size(); i++) {
                Object v = EventCodec.json().convertValue(list.get(i), Object.class);
                if (v == null) {
                    errors.add(field + "[" + i + "]", "must not be null");
                    ok = false;
                } else if (values.stream().anyMatch(x -> sameValue(x, v))) {
                    errors.add(field + "[" + i + "]", "duplicate value " + list.get(i));
                    ok = false;
                } else {
                    values.add(v);
                }
            }
            if (ok) {
                dimensions.add(new Dimension(f.getKey(), f.getValue(), values));
            }
        }
        if (tree.get("methods") == null || tree.get("methods").isNull()) {
            errors.add("grid.methods", "required: a list of " + String.join(", ", RunSpec.METHODS));
        }
        if (tree.get("labelModes") == null || tree.get("labelModes").isNull()) {
            errors.add("grid.labelModes", "required: a list of " + String.join(", ", RunSpec.LABEL_MODES));
        }
        return dimensions;
    }

    /** Settings that no configuration would use are a mistake in the request, not something to drop silently. */
    static void checkUnused(List<Dimension> dimensions, Map<String, Object> overrides, StudyErrors errors) {
        List<?> methods = values(dimensions, "method", overrides);
        List<?> mixing = values(dimensions, "mixing", overrides);
        if (methods != null && !methods.contains(RunSpec.METHOD_DROPOUT)) {
            if (varies(dimensions, "dropoutRate")) {
                errors.add(
                        "grid.dropoutRates",
                        "only method dropout uses a dropout rate, and grid.methods has no "
                                + "dropout: add it or leave dropoutRates out");
            }
        }
        boolean anyMixing = mixing != null && mixing.stream().anyMatch(m -> !RunSpec.MIXING_NONE.equals(m));
        if (!anyMixing) {
            for (String f : List.of("mixAlpha", "mixProbability")) {
                if (varies(dimensions, f)) {
                    errors.add(
                            "grid." + f,
                            "only runs with mixing (mixup, cutmix) use " + f
                                    + ", and the grid has none: add grid.mixing or leave " + f + " out");
                }
            }
        }
    }

    static boolean varies(List<Dimension> dimensions, String specField) {
        return dimensions.stream().anyMatch(d -> d.specField().equals(specField));
    }

    private static List<?> values(List<Dimension> dimensions, String specField, Map<String, Object> overrides) {
        for (Dimension d : dimensions) {
            if (d.specField().equals(specField)) {
                return d.values();
            }
        }
        Object o = overrides.get(specField);
        return o == null ? (specField.equals("mixing") ? List.of(RunSpec.MIXING_NONE) : null) : List.of(o);
    }

    /** Every combination of the dimensions' values, the first dimension varying slowest. */
    static List<Map<String, Object>> points(List<Dimension> dimensions) {
        List<Map<String, Object>> points = new ArrayList<>();
        int[] index = new int[dimensions.size()];
        while (true) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (int d = 0; d < dimensions.size(); d++) {
                point.put(
                        dimensions.get(d).specField(),
                        dimensions.get(d).values().get(index[d]));
            }
            points.add(point);
            int d = dimensions.size() - 1;
            while (d >= 0 && ++index[d] == dimensions.get(d).values().size()) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return points;
            }
        }
    }

    /** The grid list that sets a RunSpec field (the field's own name if no list does). */
    static String gridFieldOf(String specField) {
        for (Map.Entry<String, String> e : GRID_FIELDS.entrySet()) {
            if (e.getValue().equals(specField)) {
                return e.getKey();
            }
        }
        return specField;
    }

    /** The position of a value in a grid list, numbers compared by value (1 and 1.0 are the same), or -1. */
    static int indexOf(List<?> values, Object value) {
        for (int i = 0; i < values.size(); i++) {
            if (sameValue(values.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return Objects.equals(a, b);
    }
}
