package io.softcifar.contracts.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.GridDimensions.Dimension;
import io.softcifar.contracts.util.Sha256;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates a {@link StudyRequest} completely and expands it into configurations and runs: the study-level fields
 * are checked by {@link StudyFields}, the grid read by {@link GridDimensions}, its points turned into configurations
 * by {@link Configurations}; this class applies the size limits and names the runs. Plain Java: no Kafka, no
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

    public Result expand(StudyRequest request) {
        StudyErrors errors = new StudyErrors();
        if (request == null) {
            errors.add("", "a study (JSON) is required");
            return new Result(errors.list(), null);
        }
        StudyFields.checkName(request, errors);
        String studyId = StudyFields.studyId(request, errors);
        boolean paper = StudyFields.checkPreset(request, errors);
        List<Long> seeds = StudyFields.seeds(request.seeds(), paper, errors);
        StudyFields.checkDataset(request, seeds, errors);
        Map<String, Object> overrides = StudyFields.overrides(request.overrides(), errors);

        List<Dimension> dimensions = paper ? List.of() : GridDimensions.dimensions(request.grid(), errors);
        Set<String> gridSpecFields = new HashSet<>();
        dimensions.forEach(d -> gridSpecFields.add(d.specField()));
        if (paper) {
            gridSpecFields.addAll(PaperPreset.OWNED_FIELDS);
        }
        for (String field : overrides.keySet()) {
            if (gridSpecFields.contains(field)) {
                errors.add(
                        "overrides." + field,
                        paper
                                ? "set by the preset '" + StudyRequest.PRESET_PAPER + "'; leave it out of overrides"
                                : "also varied by grid." + GridDimensions.gridFieldOf(field)
                                        + "; give it in one place");
            }
        }
        GridDimensions.checkUnused(dimensions, overrides, errors);

        List<Configuration> configurations = List.of();
        boolean hasRequired =
                GridDimensions.varies(dimensions, "method") && GridDimensions.varies(dimensions, "labelMode");
        if (paper || (request.grid() != null && hasRequired)) {
            BigInteger product = BigInteger.ONE;
            for (Dimension d : dimensions) {
                product = product.multiply(BigInteger.valueOf(d.values().size()));
            }
            if (product.compareTo(BigInteger.valueOf(Limits.MAX_CONFIGURATIONS)) > 0) {
                errors.add(
                        "grid",
                        Limits.atMost(
                                        Limits.MAX_CONFIGURATIONS,
                                        "configurations (the product of the " + "grid's list lengths)",
                                        product)
                                + "; split it into several studies");
            } else {
                List<Map<String, Object>> points = paper ? PaperPreset.points() : GridDimensions.points(dimensions);
                configurations = Configurations.of(points, dimensions, overrides, paper, errors);
            }
        }
        if (!configurations.isEmpty() && !seeds.isEmpty()) {
            long runs = (long) configurations.size() * seeds.size();
            if (runs > Limits.MAX_RUNS) {
                errors.add(
                        "grid",
                        Limits.atMost(Limits.MAX_RUNS, "runs per study, also with allowLarge", runs)
                                + " (" + configurations.size() + " configurations × " + seeds.size()
                                + " seeds); split it into several studies");
            } else if (runs > maxRuns && !Boolean.TRUE.equals(request.allowLarge())) {
                errors.add(
                        "grid",
                        "the study expands to " + fmt(runs) + " runs (" + fmt(configurations.size())
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
                runs.add(new PlannedRun(
                        studyId + "-" + c.key() + "-s" + seed,
                        c.key(),
                        seed,
                        c.spec().toBuilder().seed(seed).build()));
            }
        }
        return new Result(
                List.of(),
                new Expansion(
                        studyId,
                        request.name().strip(),
                        request.datasetId(),
                        request.dataset(),
                        configurations,
                        seeds,
                        runs));
    }

    /** The study id a request gets: its own, or the name as a slug plus 8 hex digits of the request's SHA-256. */
    public static String defaultStudyId(StudyRequest request) {
        String slug = request.name() == null
                ? "study"
                : request.name()
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9]+", "-")
                        .replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            slug = "study";
        }
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        ObjectNode tree = EventCodec.json().valueToTree(request);
        tree.remove("id");
        return slug + "-" + Sha256.hex(EventCodec.toCanonicalJson(tree)).substring(0, 8);
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
