package io.softcifar.results.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;

/**
 * Gauges: {@code softcifar_results_studies} and {@code softcifar_results_runs{state=...}} (runs of all studies);
 * counter {@code softcifar_results_fenced_total{type=...}}: stale trainer events the view ignored (fencing).
 */
@ApplicationScoped
public class ResultsMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    StudyService service;

    void register(@Observes StartupEvent event) {
        Gauge.builder(
                        "softcifar.results.studies",
                        service,
                        s -> s.view() == null ? 0 : s.view().studyCount())
                .description("studies known (rebuilt from the studies topic)")
                .register(registry);
        for (RunPhase phase : RunPhase.values()) {
            Gauge.builder(
                            "softcifar.results.runs",
                            service,
                            s -> s.view() == null ? 0 : s.view().countRuns(phase))
                    .description("runs of all studies by state")
                    .tag("state", phase.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        for (String type : List.of(
                RunState.TYPE,
                TrainingProgress.TYPE,
                CheckpointPublished.TYPE,
                TrainingFinished.TYPE,
                TrainingFailed.TYPE,
                TrainingCancelled.TYPE)) {
            FunctionCounter.builder(
                            "softcifar.results.fenced",
                            service,
                            s -> s.view() == null ? 0 : s.view().fenced(type))
                    .description("trainer events ignored because their fencing token is older than the newest seen"
                            + " for their run (published by a replica that had lost the run's lease)")
                    .tag("type", type)
                    .register(registry);
        }
    }
}
