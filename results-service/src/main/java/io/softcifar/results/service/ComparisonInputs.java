package io.softcifar.results.service;

import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.Configuration;
import io.softcifar.results.compare.ComparisonInput;
import io.softcifar.results.service.ViewState.RunEntry;
import io.softcifar.results.service.ViewState.StudyEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a study's {@link ComparisonInput} from the {@link ResultsView}'s state: its configurations in grid order,
 * every run with its metrics if evaluated (or why not), and the soft/hard twin configurations. Not thread-safe: only
 * used under the view's lock.
 */
final class ComparisonInputs {

    private final ViewState state;

    ComparisonInputs(ViewState state) {
        this.state = state;
    }

    /** The input of the comparison: configurations in grid order, every run with its metrics if evaluated. */
    Optional<ComparisonInput> comparisonInput(String studyId) {
        StudyEntry s = state.studies.get(studyId);
        if (s == null) {
            return Optional.empty();
        }
        List<ComparisonInput.Config> configs = new ArrayList<>();
        if (s.expansion != null) {
            s.expansion.configurations().forEach(c -> configs.add(new ComparisonInput.Config(c.key(), c.label())));
        }
        List<ComparisonInput.Run> rs = new ArrayList<>();
        for (String id : s.runIds) {
            RunEntry r = state.runs.get(id);
            String reason = r.reason;
            if (r.phase == RunPhase.FINISHED && r.evaluation != null && "FAILED".equals(r.evaluation.status())) {
                reason = "evaluation failed: " + r.evaluation.reason();
            } else if (r.phase == RunPhase.FINISHED && r.evaluation == null) {
                reason = "finished, not evaluated yet";
            }
            rs.add(new ComparisonInput.Run(
                    r.runId,
                    r.configKey == null ? "unknown" : r.configKey,
                    r.seed == null ? -1 : r.seed,
                    r.phase.name(),
                    reason,
                    r.isEvaluated() ? r.evaluation.metrics() : null,
                    r.trainingProvenance,
                    r.isEvaluated() ? r.evaluationProvenance : null));
        }
        return Optional.of(new ComparisonInput(s.id, s.name, configs, rs, softHardPairs(s)));
    }

    /** Configurations of the study that differ only in the label mode: each soft one with its hard twin. */
    static List<ComparisonInput.Pair> softHardPairs(StudyEntry s) {
        List<ComparisonInput.Pair> pairs = new ArrayList<>();
        if (s.expansion == null) {
            return pairs;
        }
        Map<String, Configuration> byKey = new HashMap<>();
        s.expansion.configurations().forEach(c -> byKey.put(c.key(), c));
        for (Configuration c : s.expansion.configurations()) {
            if (RunSpec.LABELS_SOFT.equals(c.spec().labelMode())) {
                String hardKey = c.spec().toBuilder()
                        .labelMode(RunSpec.LABELS_HARD)
                        .build()
                        .configurationKey();
                Configuration hard = byKey.get(hardKey);
                if (hard != null) {
                    pairs.add(new ComparisonInput.Pair(withoutLabelMode(c.label()), c.key(), hard.key()));
                }
            }
        }
        return pairs;
    }

    /** "sngp, soft, mixup" → "sngp, mixup" (labels are comma-separated parts, see StudyExpander). */
    static String withoutLabelMode(String label) {
        List<String> parts = new ArrayList<>(List.of(label.split(",\\s*")));
        parts.remove(RunSpec.LABELS_SOFT);
        return String.join(", ", parts);
    }
}
