package io.softcifar.results.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Locale;

/** Gauges: {@code softcifar_results_studies} and {@code softcifar_results_runs{state=...}} (runs of all studies). */
@ApplicationScoped
public class ResultsMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    StudyService service;

    void register(@Observes StartupEvent event) {
        Gauge.builder("softcifar.results.studies", service, s -> s.view() == null ? 0 : s.view().studyCount())
                .description("studies known (rebuilt from the studies topic)").register(registry);
        for (RunPhase phase : RunPhase.values()) {
            Gauge.builder("softcifar.results.runs", service, s -> s.view() == null ? 0 : s.view().countRuns(phase))
                    .description("runs of all studies by state").tag("state", phase.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }
}
