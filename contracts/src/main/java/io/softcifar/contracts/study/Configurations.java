package io.softcifar.contracts.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.GridDimensions.Dimension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grid points to configurations: each point with the overrides becomes a {@link RunSpec}, validated (its errors
 * mapped back to the grid list and index, or the override, that produced the offending value), deduplicated by
 * {@link RunSpec#configurationKey()} and given a human label.
 */
final class Configurations {

    /** What a label calls a varied setting. */
    private static final Map<String, String> LABEL_NAMES = Map.of(
            "dropoutRate", "p", "mixAlpha", "α", "mixProbability", "q", "learningRate", "lr", "entropyThreshold", "H");

    private Configurations() {}

    static List<Configuration> of(
            List<Map<String, Object>> points,
            List<Dimension> dimensions,
            Map<String, Object> overrides,
            boolean paper,
            StudyErrors errors) {
        Map<String, RunSpec> byKey = new LinkedHashMap<>();
        for (Map<String, Object> point : points) {
            Map<String, Object> settings = new LinkedHashMap<>(overrides);
            settings.putAll(point);
            settings.put("datasetId", StudyExpander.DATASET_PLACEHOLDER);
            // settings the configuration ignores would only make equal runs look different
            if (!RunSpec.METHOD_DROPOUT.equals(settings.get("method"))) {
                settings.remove("dropoutRate");
            }
            Object mixing = settings.getOrDefault("mixing", RunSpec.MIXING_NONE);
            if (RunSpec.MIXING_NONE.equals(mixing)) {
                settings.remove("mixAlpha");
                settings.remove("mixProbability");
                settings.remove("mixProbabilityFromEntropy");
            }
            RunSpec spec;
            try {
                spec = EventCodec.json().convertValue(settings, RunSpec.class);
            } catch (IllegalArgumentException e) {
                errors.add(
                        paper ? "overrides" : "grid",
                        "cannot build a run from " + settings + ": "
                                + e.getMessage().split("\n", -1)[0]);
                continue;
            }
            List<FieldError> problems = spec.validate();
            if (!problems.isEmpty()) {
                for (FieldError p : problems) {
                    errors.add(mapField(p.field(), point, dimensions, overrides, paper), p.message());
                }
                continue;
            }
            byKey.putIfAbsent(spec.configurationKey(), spec);
        }
        Map<String, Integer> labelCount = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (RunSpec spec : byKey.values()) {
            String label = label(spec, dimensions);
            labels.add(label);
            labelCount.merge(label, 1, Integer::sum);
        }
        List<Configuration> result = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, RunSpec> e : byKey.entrySet()) {
            String label = labels.get(i++);
            if (labelCount.get(label) > 1) {
                label = label + " [" + e.getKey() + "]";
            }
            result.add(new Configuration(e.getKey(), label, e.getValue()));
        }
        return result;
    }

    /** The request field behind a RunSpec validation error of one grid point. */
    private static String mapField(
            String specField,
            Map<String, Object> point,
            List<Dimension> dimensions,
            Map<String, Object> overrides,
            boolean paper) {
        int bracket = specField.indexOf('[');
        String base = bracket < 0 ? specField : specField.substring(0, bracket);
        for (Dimension d : dimensions) {
            if (d.specField().equals(base)) {
                int index = GridDimensions.indexOf(d.values(), point.get(base));
                return "grid." + d.gridField() + (index >= 0 ? "[" + index + "]" : "");
            }
        }
        if (overrides.containsKey(base)) {
            return "overrides." + specField;
        }
        if (paper && point.containsKey(base)) {
            return "preset";
        }
        if (base.equals("method") || base.equals("labelMode")) {
            return "grid." + GridDimensions.gridFieldOf(base);
        }
        return "overrides." + specField;
    }

    /** "dropout, no aug, soft", "SNGP, hard, Mixup", then name=value of every other setting the grid varies. */
    static String label(RunSpec spec, List<Dimension> dimensions) {
        RunSpec s = spec.withDefaults();
        List<String> parts = new ArrayList<>();
        parts.add(
                switch (s.method()) {
                    case RunSpec.METHOD_SNGP -> "SNGP";
                    case RunSpec.METHOD_DUQ -> "DUQ";
                    default -> s.method();
                });
        if (!s.augment()) {
            parts.add("no aug");
        }
        parts.add(s.labelMode());
        if (RunSpec.MIXING_MIXUP.equals(s.mixing())) {
            parts.add("Mixup");
        } else if (RunSpec.MIXING_CUTMIX.equals(s.mixing())) {
            parts.add("CutMix");
        }
        ObjectNode tree = EventCodec.json().valueToTree(spec);
        for (Dimension d : dimensions) {
            if (Set.of("method", "labelMode", "mixing", "augment").contains(d.specField())
                    || d.values().size() < 2) {
                continue;
            }
            JsonNode value = tree.get(d.specField());
            if (value != null && !value.isNull()) {
                parts.add(LABEL_NAMES.getOrDefault(d.specField(), d.specField()) + "=" + value.asText());
            }
        }
        return String.join(", ", parts);
    }
}
