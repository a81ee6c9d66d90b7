package io.softcifar.results.rest;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.results.service.ResultsView;
import io.softcifar.results.service.ViewModel.RunStatusView;
import java.time.Instant;

/**
 * One server-sent event of {@code GET /api/studies/{id}/events}: {@code subscribed} first, then one per event of a
 * run of the study ({@code training.progress}, {@code training.state}, {@code training.finished},
 * {@code evaluation.completed}, ...), with the run's status after it.
 */
public record StudyStreamEvent(
        String type,
        String studyId,
        @Nullable String runId,
        @Nullable String status,
        @Nullable Integer epoch,
        @Nullable Integer epochs,
        @Nullable Double etaSeconds,
        @Nullable Double trainLoss,
        @Nullable Double trainAccuracy,
        @Nullable Double valLoss,
        @Nullable Double valAccuracy,
        Instant time) {

    static StudyStreamEvent subscribed(String studyId) {
        return new StudyStreamEvent(
                "subscribed", studyId, null, null, null, null, null, null, null, null, null, Instant.now());
    }

    static StudyStreamEvent of(ResultsView.Change change) {
        RunStatusView run = change.run();
        if (change.event().payload() instanceof TrainingProgress p) {
            return new StudyStreamEvent(
                    change.type(),
                    change.studyId(),
                    change.runId(),
                    run == null ? null : run.status().name(),
                    p.epoch(),
                    p.epochs(),
                    p.etaSeconds(),
                    p.trainLoss(),
                    p.trainAccuracy(),
                    p.valLoss(),
                    p.valAccuracy(),
                    change.event().time());
        }
        return new StudyStreamEvent(
                change.type(),
                change.studyId(),
                change.runId(),
                run == null ? null : run.status().name(),
                run == null ? null : run.epoch(),
                run == null ? null : run.epochs(),
                run == null ? null : run.etaSeconds(),
                null,
                null,
                null,
                null,
                change.event().time());
    }
}
