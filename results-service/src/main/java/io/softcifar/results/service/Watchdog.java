package io.softcifar.results.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.results.config.ResultsSettings;
import io.softcifar.service.lifecycle.DaemonThreads;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Nothing waits for good: every {@code softcifar.results.watchdog.interval}, once the view has caught up with Kafka,
 * the view is asked for {@link ResultsView#stuck stuck runs} and each is recovered by {@link StudyService#recover}:
 * <ul>
 *   <li>{@code heartbeat}: RUNNING, no progress or status event for {@code heartbeat-timeout} (the trainer died or
 *   hangs): {@code training.requested} again; the trainer that reads it waits for the old lease to expire and resumes
 *   from the last checkpoint.</li>
 *   <li>{@code evaluation}: FINISHED, no evaluation for {@code evaluation-timeout}: the final best
 *   {@code checkpoint.published} again, under a new event id. The evaluator evaluates a checkpoint event unless the
 *   run has a {@code metrics.json}; with one, it sends its stored {@code evaluation.completed} again if
 *   {@code published.json} is missing, so either way the run gets its evaluation.</li>
 *   <li>{@code pending}: a study older than {@code pending-grace} whose dataset is there but some of whose runs were
 *   never requested (the service died between publishing the study and its requests): they are requested.</li>
 * </ul>
 * Each recovery is logged, counted ({@code softcifar_results_recoveries_total{kind}}) and recorded on the run (its
 * record carries a {@code softcifar-recovery} header, so a rebuilt view counts it too). A run is recovered at most
 * {@code max-recoveries} times per kind. Several replicas may recover the same run at the same moment; the trainer
 * and the evaluator treat the duplicate as a redelivery.
 */
@ApplicationScoped
public class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    @Inject
    StudyService service;

    @Inject
    ResultsSettings settings;

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("results-watchdog"));

    // Fire-and-forget: check() catches its own exceptions, so the fixed-delay task never ends by one, and
    // stop()'s shutdownNow cancels it; the thenRun stage only schedules it.
    @SuppressWarnings("FutureReturnValueIgnored")
    void start(@Observes @Priority(300) StartupEvent event) {
        ResultsSettings.Watchdog w = settings.watchdog();
        if (!w.enabled()) {
            LOG.info("watchdog off (softcifar.results.watchdog.enabled=false)");
            return;
        }
        service.follower().caughtUp().thenRun(() -> {
            long every = w.interval().toMillis();
            timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
            LOG.infof(
                    "watchdog: every %s; heartbeat timeout %s, evaluation timeout %s, pending grace %s, at most %d"
                            + " recoveries per run and kind",
                    w.interval(), w.heartbeatTimeout(), w.evaluationTimeout(), w.pendingGrace(), w.maxRecoveries());
        });
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** One pass over the view. */
    void check() {
        try {
            ResultsSettings.Watchdog w = settings.watchdog();
            for (ResultsView.Stuck stuck : service.view()
                    .stuck(
                            Instant.now(),
                            w.heartbeatTimeout(),
                            w.evaluationTimeout(),
                            w.pendingGrace(),
                            w.maxRecoveries())) {
                try {
                    service.runs().recover(stuck);
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "watchdog: recovering run %s (%s) failed, next pass tries again: %s",
                            stuck.runId(), stuck.kind(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "watchdog pass failed: %s", e.getMessage());
        }
    }
}
