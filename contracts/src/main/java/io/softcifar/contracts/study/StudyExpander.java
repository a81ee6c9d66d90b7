package io.softcifar.contracts.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a {@link StudyRequest} completely and expands it into configurations and runs. Plain Java: no Kafka, no
 * HTTP, so every rule is unit-tested, and the results-service and the CLI ({@code softcifar plan}) expand a study the
 * same way (it lives in contracts for that reason). Whether a {@code datasetId} exists is the service's question.
 *
 * <p>Every problem is reported at once, named by the request field a user has to change: {@code grid.methods[2]}
 * for an unknown method, {@code overrides.milestones[1]}, {@code seeds}, {@code dataset.splitRatios}. Errors of
 * the expanded run specs ({@link RunSpec#validate()}) are mapped back to the grid list and index that produced the
 * offending value, or to {@code overrides}.
 *
 * <p><b>Run ids</b> are {@code <studyId>-<configKey>-s<seed>}, where the configuration key is
 * {@link RunSpec#configurationKey()} of the run's spec on a fixed placeholder dataset ({@value #DATASET_PLACEHOLDER}).
 * A study has one dataset, so the placeholder tells its configurations apart exactly as the real dataset id would,
 * and the ids are known (and listed to the user) before a dataset given as a spec has been built. The same study id,
 * configuration and seed always give the same run id; the trainer keys checkpoints by it, so a re-published request
 * resumes from the run's last checkpoint.
 */
public final class StudyExpander {

    public static final String DATASET_PLACEHOLDER = "study-dataset";
    public static final int MAX_STUDY_ID_LENGTH = 64;
    public static final int MAX_NAME_LENGTH = 200;
    public static final List<Long> PAPER_SEEDS = List.of(0L, 1L, 2L, 3L, 4L);

    /** Grid lists in expansion order (the first varies slowest), with the RunSpec field each one sets. */
    private static final Map<String, String> GRID_FIELDS = new LinkedHashMap<>();
    /** What a label calls a varied setting. */
    private static final Map<String, String> LABEL_NAMES = Map.of("dropoutRate", "p", "mixAlpha", "α",
            "mixProbability", "q", "learningRate", "lr", "entropyThreshold", "H");

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

    /** RunSpec fields that the study itself sets: never in overrides. */
    private static final Set<String> STUDY_OWNED = Set.of("datasetId", "seed");

    private final int maxRuns;

    /**
     * @param maxRuns runs a study may have without {@code "allowLarge": true}; {@link Limits#MAX_RUNS} bounds every
     *                study whatever this is
     */
    public StudyExpander(int maxRuns) {
        this.maxRuns = maxRuns;
    }

    /** The outcome: either errors (and no expansion) or an expansion. */
    public record Result(List<FieldError> errors, Expansion expansion) {
        public boolean isValid() {
            return errors.isEmpty();
        }
    }

    /** One grid list: request field, RunSpec field, values. */
    private record Dimension(String gridField, String specField, List<?> values) {}

    public Result expand(StudyRequest request) {
        Errors errors = new Errors();
        if (request == null) {
            errors.add("", "a study (JSON) is required");
            return new Result(errors.list(), null);
        }
        checkName(request, errors);
        String studyId = studyId(request, errors);
        boolean paper = checkPreset(request, errors);
        List<Long> seeds = seeds(request.seeds(), paper, errors);
        checkDataset(request, seeds, errors);
        Map<String, Object> overrides = overrides(request.overrides(), errors);

        List<Dimension> dimensions = paper ? List.of() : dimensions(request.grid(), errors);
        Set<String> gridSpecFields = new HashSet<>();
        dimensions.forEach(d -> gridSpecFields.add(d.specField));
        if (paper) {
            gridSpecFields.addAll(PaperPreset.OWNED_FIELDS);
        }
        for (String field : overrides.keySet()) {
            if (gridSpecFields.contains(field)) {
                errors.add("overrides." + field, paper
                        ? "set by the preset '" + StudyRequest.PRESET_PAPER + "'; leave it out of overrides"
                        : "also varied by grid." + gridFieldOf(field) + "; give it in one place");
            }
        }
        checkUnused(dimensions, overrides, errors);

        List<Configuration> configurations = List.of();
        boolean hasRequired = dimensions.stream().anyMatch(d -> d.specField.equals("method"))
                && dimensions.stream().anyMatch(d -> d.specField.equals("labelMode"));
        if (paper || request.grid() != null && hasRequired) {
            BigInteger product = BigInteger.ONE;
            for (Dimension d : dimensions) {
                product = product.multiply(BigInteger.valueOf(d.values.size()));
            }
            if (product.compareTo(BigInteger.valueOf(Limits.MAX_CONFIGURATIONS)) > 0) {
                errors.add("grid", Limits.atMost(Limits.MAX_CONFIGURATIONS, "configurations (the product of the "
                        + "grid's list lengths)", product) + "; split it into several studies");
            } else {
                List<Map<String, Object>> points = paper ? PaperPreset.points() : points(dimensions);
                configurations = configurations(points, dimensions, overrides, paper, errors);
            }
        }
        if (!configurations.isEmpty() && !seeds.isEmpty()) {
            long runs = (long) configurations.size() * seeds.size();
            if (runs > Limits.MAX_RUNS) {
                errors.add("grid", Limits.atMost(Limits.MAX_RUNS, "runs per study, also with allowLarge", runs)
                        + " (" + configurations.size() + " configurations × " + seeds.size()
                        + " seeds); split it into several studies");
            } else if (runs > maxRuns && !Boolean.TRUE.equals(request.allowLarge())) {
                errors.add("grid", "the study expands to " + fmt(runs) + " runs (" + fmt(configurations.size())
                        + " configurations × " + seeds.size() + " seeds), more than " + fmt(maxRuns)
                        + ": set \"allowLarge\": true to submit it anyway");
            }
        }
        if (!errors.list().isEmpty()) {
            return new Result(errors.list(), null);
        }
        List<PlannedRun> runs = new ArrayList<>();
        for (Configuration c : configurations) {
            for (long seed : seeds) {
                runs.add(new PlannedRun(studyId + "-" + c.key() + "-s" + seed, c.key(), seed,
                        c.spec().toBuilder().seed(seed).build()));
            }
        }
        return new Result(List.of(), new Expansion(studyId, request.name().strip(), request.datasetId(),
                request.dataset(), configurations, seeds, runs));
    }

    /** The study id a request gets: its own, or the name as a slug plus 8 hex digits of the request's SHA-256. */
    public static String defaultStudyId(StudyRequest request) {
        String slug = request.name() == null ? "study"
                : request.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            slug = "study";
        }
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        ObjectNode tree = EventCodec.json().valueToTree(request);
        tree.remove("id");
        return slug + "-" + sha256(EventCodec.toCanonicalJson(tree)).substring(0, 8);
    }

    private static void checkName(StudyRequest request, Errors errors) {
        if (request.name() == null || request.name().isBlank()) {
            errors.add("name", "required: a human name for the study, e.g. \"soft vs hard, ResNet-20\"");
        } else if (request.name().length() > MAX_NAME_LENGTH) {
            errors.add("name", "at most " + MAX_NAME_LENGTH + " characters, got " + request.name().length());
        }
    }

    private static String studyId(StudyRequest request, Errors errors) {
        if (request.id() == null) {
            return defaultStudyId(request);
        }
        if (!ObjectKeys.isValidId(request.id()) || request.id().length() > MAX_STUDY_ID_LENGTH) {
            errors.add("id", "must be 1-" + MAX_STUDY_ID_LENGTH
                    + " characters of letters, digits, '.', '_' and '-', without '..' (leave it out for one made "
                    + "from the name), got '" + request.id() + "'");
        }
        return request.id();
    }

    private static boolean checkPreset(StudyRequest request, Errors errors) {
        if (request.preset() == null) {
            if (request.grid() == null) {
                errors.add("grid", "required: the configurations to run (grid.methods, grid.labelModes, ...), "
                        + "or \"preset\": \"" + StudyRequest.PRESET_PAPER + "\" for the reference grid");
            }
            return false;
        }
        if (!StudyRequest.PRESET_PAPER.equals(request.preset())) {
            errors.add("preset", "unknown preset '" + request.preset() + "' (expected " + StudyRequest.PRESET_PAPER
                    + ", or leave it out and give a grid)");
            return false;
        }
        if (request.grid() != null) {
            errors.add("grid", "the preset '" + StudyRequest.PRESET_PAPER
                    + "' is a grid already: leave grid out (or the preset, to give your own grid)");
        }
        return true;
    }

    private static List<Long> seeds(JsonNode node, boolean paper, Errors errors) {
        if (node == null || node.isNull()) {
            return paper ? PAPER_SEEDS : List.of(0L);
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

    private static void checkDataset(StudyRequest request, List<Long> seeds, Errors errors) {
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
                errors.add("dataset.seeds", "must include every seed of the study (the split of a seed is built "
                        + "with the dataset); missing " + missing + ", the dataset has " + built);
            }
        }
    }

    private static Map<String, Object> overrides(RunSpec overrides, Errors errors) {
        if (overrides == null) {
            return Map.of();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        ObjectNode tree = EventCodec.json().valueToTree(overrides);
        tree.fields().forEachRemaining(e -> {
            if (STUDY_OWNED.contains(e.getKey())) {
                errors.add("overrides." + e.getKey(), e.getKey().equals("seed")
                        ? "set by the study: give the seeds in \"seeds\""
                        : "set by the study: give the dataset in \"datasetId\" or \"dataset\"");
            } else {
                map.put(e.getKey(), EventCodec.json().convertValue(e.getValue(), Object.class));
            }
        });
        return map;
    }

    private static List<Dimension> dimensions(Grid grid, Errors errors) {
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
    private static void checkUnused(List<Dimension> dimensions, Map<String, Object> overrides, Errors errors) {
        List<?> methods = values(dimensions, "method", overrides);
        List<?> mixing = values(dimensions, "mixing", overrides);
        if (methods != null && !methods.contains(RunSpec.METHOD_DROPOUT)) {
            if (dimensions.stream().anyMatch(d -> d.specField.equals("dropoutRate"))) {
                errors.add("grid.dropoutRates", "only method dropout uses a dropout rate, and grid.methods has no "
                        + "dropout: add it or leave dropoutRates out");
            }
        }
        boolean anyMixing = mixing != null && mixing.stream().anyMatch(m -> !RunSpec.MIXING_NONE.equals(m));
        if (!anyMixing) {
            for (String f : List.of("mixAlpha", "mixProbability")) {
                if (dimensions.stream().anyMatch(d -> d.specField.equals(f))) {
                    errors.add("grid." + f, "only runs with mixing (mixup, cutmix) use " + f
                            + ", and the grid has none: add grid.mixing or leave " + f + " out");
                }
            }
        }
    }

    private static List<?> values(List<Dimension> dimensions, String specField, Map<String, Object> overrides) {
        for (Dimension d : dimensions) {
            if (d.specField.equals(specField)) {
                return d.values;
            }
        }
        Object o = overrides.get(specField);
        return o == null ? (specField.equals("mixing") ? List.of(RunSpec.MIXING_NONE) : null) : List.of(o);
    }

    /** Every combination of the dimensions' values, the first dimension varying slowest. */
    private static List<Map<String, Object>> points(List<Dimension> dimensions) {
        List<Map<String, Object>> points = new ArrayList<>();
        int[] index = new int[dimensions.size()];
        while (true) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (int d = 0; d < dimensions.size(); d++) {
                point.put(dimensions.get(d).specField, dimensions.get(d).values.get(index[d]));
            }
            points.add(point);
            int d = dimensions.size() - 1;
            while (d >= 0 && ++index[d] == dimensions.get(d).values.size()) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return points;
            }
        }
    }

    private static List<Configuration> configurations(List<Map<String, Object>> points, List<Dimension> dimensions,
            Map<String, Object> overrides, boolean paper, Errors errors) {
        Map<String, Configuration> byKey = new LinkedHashMap<>();
        Map<String, Map<String, Object>> settingsByKey = new LinkedHashMap<>();
        for (Map<String, Object> point : points) {
            Map<String, Object> settings = new LinkedHashMap<>(overrides);
            settings.putAll(point);
            settings.put("datasetId", DATASET_PLACEHOLDER);
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
                errors.add(paper ? "overrides" : "grid", "cannot build a run from " + settings + ": "
                        + e.getMessage().split("\n")[0]);
                continue;
            }
            List<FieldError> problems = spec.validate();
            if (!problems.isEmpty()) {
                for (FieldError p : problems) {
                    errors.add(mapField(p.field(), point, dimensions, overrides, paper), p.message());
                }
                continue;
            }
            String key = spec.configurationKey();
            if (!byKey.containsKey(key)) {
                byKey.put(key, new Configuration(key, null, spec));
                settingsByKey.put(key, settings);
            }
        }
        List<Configuration> result = new ArrayList<>();
        Map<String, Integer> labelCount = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (Map.Entry<String, Configuration> e : byKey.entrySet()) {
            String label = label(e.getValue().spec(), dimensions);
            labels.add(label);
            labelCount.merge(label, 1, Integer::sum);
        }
        int i = 0;
        for (Map.Entry<String, Configuration> e : byKey.entrySet()) {
            String label = labels.get(i++);
            if (labelCount.get(label) > 1) {
                label = label + " [" + e.getKey() + "]";
            }
            result.add(new Configuration(e.getKey(), label, e.getValue().spec()));
        }
        return result;
    }

    /** The request field behind a RunSpec validation error of one grid point. */
    private static String mapField(String specField, Map<String, Object> point, List<Dimension> dimensions,
            Map<String, Object> overrides, boolean paper) {
        int bracket = specField.indexOf('[');
        String base = bracket < 0 ? specField : specField.substring(0, bracket);
        for (Dimension d : dimensions) {
            if (d.specField.equals(base)) {
                Object value = point.get(base);
                int index = indexOf(d.values, value);
                return "grid." + d.gridField + (index >= 0 ? "[" + index + "]" : "");
            }
        }
        if (overrides.containsKey(base)) {
            return "overrides." + specField;
        }
        if (paper && point.containsKey(base)) {
            return "preset";
        }
        if (base.equals("method") || base.equals("labelMode")) {
            return "grid." + gridFieldOf(base);
        }
        return "overrides." + specField;
    }

    private static int indexOf(List<?> values, Object value) {
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

    private static String gridFieldOf(String specField) {
        for (Map.Entry<String, String> e : GRID_FIELDS.entrySet()) {
            if (e.getValue().equals(specField)) {
                return e.getKey();
            }
        }
        return specField;
    }

    /** "dropout, no aug, soft", "SNGP, hard, Mixup", then name=value of every other setting the grid varies. */
    static String label(RunSpec spec, List<Dimension> dimensions) {
        RunSpec s = spec.withDefaults();
        List<String> parts = new ArrayList<>();
        parts.add(switch (s.method()) {
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
            if (Set.of("method", "labelMode", "mixing", "augment").contains(d.specField) || d.values.size() < 2) {
                continue;
            }
            JsonNode value = tree.get(d.specField);
            if (value != null && !value.isNull()) {
                parts.add(LABEL_NAMES.getOrDefault(d.specField, d.specField) + "=" + value.asText());
            }
        }
        return String.join(", ", parts);
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Field errors without duplicates (a bad grid value fails every configuration it is part of), in order. */
    private static final class Errors {
        private final LinkedHashSet<FieldError> errors = new LinkedHashSet<>();

        void add(String field, String message) {
            errors.add(new FieldError(field, message));
        }

        List<FieldError> list() {
            return List.copyOf(errors);
        }
    }
}
