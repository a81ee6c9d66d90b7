package io.softcifar.contracts.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The study-level fields of a {@link StudyRequest} (everything but the grid): name, id, preset, seeds, dataset and
 * overrides, each checked and reported under the request field a user has to change.
 */
final class StudyFields {

    /** RunSpec fields that the study itself sets: never in overrides. */
    private static final Set<String> STUDY_OWNED = Set.of("datasetId", "seed");

    private StudyFields() {}

    static void checkName(StudyRequest request, StudyErrors errors) {
        if (request.name() == null || request.name().isBlank()) {
            errors.add("name", "required: a human name for the study, e.g. \"soft vs hard, ResNet-20\"");
        } else if (request.name().length() > StudyExpander.MAX_NAME_LENGTH) {
            errors.add(
                    "name",
                    "at most " + StudyExpander.MAX_NAME_LENGTH + " characters, got "
                            + request.name().length());
        }
    }

    static String studyId(StudyRequest request, StudyErrors errors) {
        if (request.id() == null) {
            return StudyExpander.defaultStudyId(request);
        }
        if (!ObjectKeys.isValidId(request.id()) || request.id().length() > StudyExpander.MAX_STUDY_ID_LENGTH) {
            errors.add(
                    "id",
                    "must be 1-" + StudyExpander.MAX_STUDY_ID_LENGTH
                            + " characters of letters, digits, '.', '_' and '-', without '..' (leave it out for one made "
                            + "from the name), got '" + request.id() + "'");
        }
        return request.id();
    }

    /** Whether the request uses the paper preset (and, if it names a preset, that the preset exists). */
    static boolean checkPreset(StudyRequest request, StudyErrors errors) {
        if (request.preset() == null) {
            if (request.grid() == null) {
                errors.add(
                        "grid",
                        "required: the configurations to run (grid.methods, grid.labelModes, ...), "
                                + "or \"preset\": \"" + StudyRequest.PRESET_PAPER + "\" for the reference grid");
            }
            return false;
        }
        if (!StudyRequest.PRESET_PAPER.equals(request.preset())) {
            errors.add(
                    "preset",
                    "unknown preset '" + request.preset() + "' (expected " + StudyRequest.PRESET_PAPER
                            + ", or leave it out and give a grid)");
            return false;
        }
        if (request.grid() != null) {
            errors.add(
                    "grid",
                    "the preset '" + StudyRequest.PRESET_PAPER
                            + "' is a grid already: leave grid out (or the preset, to give your own grid)");
        }
        return true;
    }

    static List<Long> seeds(JsonNode node, boolean paper, StudyErrors errors) {
        if (node == null || node.isNull()) {
            return paper ? StudyExpander.PAPER_SEEDS : List.of(0L);
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong() || node.asLong() > Limits.MAX_SEEDS) {
                errors.add("seeds", Limits.atMost(Limits.MAX_SEEDS, "seeds per study", node));
                return List.of();
            }
            long count = node.asLong();
            if (count < 1) {
                errors.add("seeds", "a seed count must be >= 1, got " + node);
                return List.of();
            }
            List<Long> seeds = new ArrayList<>();
            for (long s = 0; s < count; s++) {
                seeds.add(s);
            }
            return seeds;
        }
        if (node.isArray()) {
            if (node.isEmpty()) {
                errors.add("seeds", "must list at least one seed (or give a count, e.g. 5 for seeds 0..4)");
                return List.of();
            }
            if (node.size() > Limits.MAX_SEEDS) {
                errors.add("seeds", Limits.atMost(Limits.MAX_SEEDS, "seeds per study", node.size()));
                return List.of();
            }
            List<Long> seeds = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode s = node.get(i);
                if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                    errors.add("seeds[" + i + "]", "must be an integer >= 0, got " + s);
                } else if (s.asLong() > Limits.MAX_SEED) {
                    errors.add("seeds[" + i + "]", Limits.atMost(Limits.MAX_SEED, s));
                } else if (seeds.contains(s.asLong())) {
                    errors.add("seeds[" + i + "]", "duplicate seed " + s.asLong());
                } else {
                    seeds.add(s.asLong());
                }
            }
            return seeds;
        }
        errors.add("seeds", "a count (>= 1) or a list of seeds (integers >= 0), got " + node);
        return List.of();
    }

    static void checkDataset(StudyRequest request, List<Long> seeds, StudyErrors errors) {
        if (request.dataset() != null && request.datasetId() != null) {
            errors.add("dataset", "give either dataset (a spec to build) or datasetId (an existing dataset), not both");
            return;
        }
        if (request.dataset() == null && request.datasetId() == null) {
            errors.add("datasetId", "required: the id of an existing dataset, or a dataset spec in \"dataset\"");
            return;
        }
        if (request.datasetId() != null) {
            if (!ObjectKeys.isValidId(request.datasetId())) {
                errors.add("datasetId", ObjectKeys.ID_RULE + ", got '" + request.datasetId() + "'");
            }
            return;
        }
        List<FieldError> specErrors = request.dataset().validate();
        specErrors.forEach(e -> errors.add("dataset." + e.field(), e.message()));
        if (specErrors.stream().noneMatch(e -> e.field().startsWith("seeds"))) {
            Set<Long> built = new TreeSet<>(request.dataset().withDefaults().seeds());
            List<Long> missing = seeds.stream().filter(s -> !built.contains(s)).toList();
            if (!missing.isEmpty()) {
                errors.add(
                        "dataset.seeds",
                        "must include every seed of the study (the split of a seed is built "
                                + "with the dataset); missing " + missing + ", the dataset has " + built);
            }
        }
    }

    /** The overrides as RunSpec field name to value, without the fields the study sets itself. */
    static Map<String, Object> overrides(RunSpec overrides, StudyErrors errors) {
        if (overrides == null) {
            return Map.of();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        ObjectNode tree = EventCodec.json().valueToTree(overrides);
        tree.fields().forEachRemaining(e -> {
            if (STUDY_OWNED.contains(e.getKey())) {
                errors.add(
                        "overrides." + e.getKey(),
                        e.getKey().equals("seed")
                                ? "set by the study: give the seeds in \"seeds\""
                                : "set by the study: give the dataset in \"datasetId\" or \"dataset\"");
            } else {
                map.put(e.getKey(), EventCodec.json().convertValue(e.getValue(), Object.class));
            }
        });
        return map;
    }
}
