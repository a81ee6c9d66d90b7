package io.softcifar.results.service;

import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.study.Configuration;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.results.service.ResultsView.DatasetView;
import io.softcifar.results.service.ViewModel.ConfigurationView;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.results.service.ViewModel.StudyDetail;
import io.softcifar.results.service.ViewModel.StudySummary;
import io.softcifar.results.service.ViewState.DatasetEntry;
import io.softcifar.results.service.ViewState.RunEntry;
import io.softcifar.results.service.ViewState.StudyEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link ResultsView}'s read models for the REST API and the metrics: study summaries and details (runs counted
 * by phase, the dataset's status), a run's detail, datasets. Not thread-safe: only used under the view's lock.
 */
final class ViewQueries {

    private final ViewState state;

    ViewQueries(ViewState state) {
        this.state = state;
    }

    /** Runs of all studies in a phase (the metrics gauges). */
    int countRuns(RunPhase phase) {
        int n = 0;
        for (StudyEntry s : state.studies.values()) {
            for (String id : s.runIds) {
                if (state.runs.get(id).phase == phase) {
                    n++;
                }
            }
        }
        return n;
    }

    List<StudySummary> studies() {
        List<StudySummary> list = new ArrayList<>();
        for (StudyEntry s : state.studies.values()) {
            List<RunEntry> rs = s.runIds.stream().map(state.runs::get).toList();
            list.add(new StudySummary(
                    s.id,
                    s.name,
                    s.submittedAt,
                    state.datasetIdOf(s),
                    datasetStatusOf(s),
                    rs.size(),
                    byPhase(rs),
                    (int) rs.stream().filter(RunEntry::isEvaluated).count(),
                    s.expansion == null
                            ? List.of()
                            : s.expansion.configurations().stream()
                                    .map(c -> c.spec().method())
                                    .distinct()
                                    .toList()));
        }
        list.sort(Comparator.comparing(StudySummary::submittedAt).reversed());
        return list;
    }

    Optional<StudyDetail> study(String studyId) {
        StudyEntry s = state.studies.get(studyId);
        if (s == null) {
            return Optional.empty();
        }
        List<RunEntry> rs = s.runIds.stream().map(state.runs::get).toList();
        List<ConfigurationView> configurations = new ArrayList<>();
        if (s.expansion != null) {
            for (Configuration c : s.expansion.configurations()) {
                configurations.add(new ConfigurationView(
                        c.key(),
                        c.label(),
                        rs.stream()
                                .filter(r -> c.key().equals(r.configKey))
                                .map(r -> r.runId)
                                .toList()));
            }
        }
        return Optional.of(new StudyDetail(
                s.id,
                s.name,
                s.submittedAt,
                state.datasetIdOf(s),
                datasetStatusOf(s),
                datasetReasonOf(s),
                s.definition,
                s.expansion == null ? List.of() : s.expansion.seeds(),
                configurations,
                rs.stream().map(state::statusView).toList(),
                byPhase(rs)));
    }

    Optional<RunDetail> run(String runId) {
        RunEntry r = state.runs.get(runId);
        if (r == null || (r.studyId == null && !r.requested)) {
            return Optional.empty();
        }
        StudyEntry s = r.studyId == null ? null : state.studies.get(r.studyId);
        RunSpec spec = r.spec != null
                ? r.spec
                : r.planned != null
                        ? r.planned.specFor(
                                s == null || state.datasetIdOf(s) == null
                                        ? StudyExpander.DATASET_PLACEHOLDER
                                        : state.datasetIdOf(s))
                        : null;
        return Optional.of(new RunDetail(
                r.runId,
                r.studyId,
                r.configKey,
                state.labelOf(r),
                r.seed,
                spec,
                r.phase,
                r.epoch,
                r.epochs,
                r.eta,
                r.reason,
                r.attempts,
                r.statusTime,
                List.copyOf(r.progress.values()),
                List.copyOf(r.checkpoints.values()),
                r.finished,
                r.evaluation,
                Collections.unmodifiableMap(new TreeMap<>(r.recoveries)),
                spec == null ? null : spec.withDefaults(),
                new ViewModel.ProvenanceView(r.trainingProvenance, r.isEvaluated() ? r.evaluationProvenance : null)));
    }

    Optional<DatasetView> dataset(String datasetId) {
        DatasetEntry d = state.datasets.get(datasetId);
        return d == null
                ? Optional.empty()
                : Optional.of(new DatasetView(d.id, d.status, d.summary, d.readyAt, d.reason));
    }

    /** Ready datasets, newest first. */
    List<DatasetView> readyDatasets() {
        return state.datasets.values().stream()
                .filter(d -> d.status == DatasetStatus.READY)
                .sorted(Comparator.comparing((DatasetEntry d) -> d.readyAt).reversed())
                .map(d -> new DatasetView(d.id, d.status, d.summary, d.readyAt, d.reason))
                .toList();
    }

    String datasetStatusOf(StudyEntry s) {
        String id = state.datasetIdOf(s);
        if (id != null) {
            DatasetEntry d = state.datasets.get(id);
            return d == null
                    ? (s.runIds.stream().anyMatch(r -> state.runs.get(r).requested) ? "READY" : "UNKNOWN")
                    : d.status.name();
        }
        return state.datasetFailures.containsKey(s.id) ? "FAILED" : "REQUESTED";
    }

    String datasetReasonOf(StudyEntry s) {
        DatasetFailed f = state.datasetFailures.get(s.id);
        if (state.datasetIdOf(s) == null && f != null) {
            return f.reason();
        }
        String id = state.datasetIdOf(s);
        DatasetEntry d = id == null ? null : state.datasets.get(id);
        return d == null ? null : d.reason;
    }

    static Map<RunPhase, Integer> byPhase(List<RunEntry> rs) {
        Map<RunPhase, Integer> m = new EnumMap<>(RunPhase.class);
        for (RunEntry r : rs) {
            m.merge(r.phase, 1, Integer::sum);
        }
        return m;
    }
}
