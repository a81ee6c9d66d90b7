package io.softcifar.evaluator.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.FencingTokens;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.evaluator.config.EvaluatorSettings;
import io.softcifar.evaluator.service.EvaluationFailure;
import io.softcifar.evaluator.service.EvaluationService;
import io.softcifar.service.events.ListenerLifecycle;
import io.softcifar.service.events.RejectedEventException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Consumes {@code checkpoint.published} and evaluates the checkpoints marked {@code kind = best, isFinal = true}; every
 * other checkpoint event (epoch checkpoints, intermediate bests) is acknowledged and ignored.
 *
 * <p>The service-common consumer keeps polling while an evaluation runs (the partition is paused), commits the offset
 * only after the handler returns, and sends records the handler rejects to {@code softcifar.checkpoints.dlq}. So a
 * crash mid-evaluation re-delivers the event, and {@link EvaluationService} makes that harmless (one evaluation per run).
 *
 * <p>Fencing: every checkpoint event, final or not, carries the fencing token of the trainer lease it was published
 * under; one whose token is older than the newest this replica has seen for its run comes from a trainer that lost
 * the run's lease (paused, cut off) and is dropped and counted ({@code outcome="fenced"}) before anything else. The
 * newest tokens are kept in memory for the last {@value #FENCE_RUNS} runs: a run's events share a partition, so they
 * come in order to one replica; after a restart or a rebalance the first event of a run sets its token again.
 */
@ApplicationScoped
public class CheckpointListener {

    private static final Logger LOG = Logger.getLogger(CheckpointListener.class);
    static final int FENCE_RUNS = 100_000;

    private final FencingTokens.Newest newestTokens = new FencingTokens.Newest(FENCE_RUNS);

    @Inject
    EvaluationService service;

    @Inject
    EvaluatorSettings settings;

    @Inject
    ListenerLifecycle consumers;

    void start(@Observes @Priority(100) StartupEvent event) {
        consumers.start(consumers
                .consumer(settings.consumerGroup(), Topics.CHECKPOINTS, this::handle)
                .onGiveUp(this::giveUp)
                .slots(settings.slots()));
    }

    void stop(@Observes ShutdownEvent event) {
        consumers.stop(Duration.ofSeconds(5));
    }

    /** True while the consumer polls (liveness). */
    public boolean isConsuming() {
        return consumers.isConsuming();
    }

    /** Evaluations running now. */
    public int inProgress() {
        return consumers.inProgress();
    }

    /** Retries exhausted (an outage outlasted the budget): the study gets evaluation.failed instead of silence. */
    void giveUp(EventEnvelope envelope, ConsumerRecord<String, String> record, String reason) {
        envelope.payloadAs(CheckpointPublished.class)
                .filter(c -> CheckpointPublished.KIND_BEST.equals(c.kind()) && c.isFinal())
                .ifPresent(c -> service.giveUp(c, envelope.correlation(), reason));
    }

    void handle(EventEnvelope envelope, ConsumerRecord<String, String> record) {
        CheckpointPublished checkpoint = ListenerLifecycle.expect(envelope, record, CheckpointPublished.class);
        if (!newestTokens.admit(checkpoint)) {
            LOG.warnf(
                    "run %s: %s checkpoint of epoch %d (final: %s) with fencing token %d ignored: token %d was seen"
                            + " (its trainer had lost the run's lease)",
                    checkpoint.runId(),
                    checkpoint.kind(),
                    checkpoint.epoch(),
                    checkpoint.isFinal(),
                    FencingTokens.tokenOf(checkpoint),
                    newestTokens.newest(checkpoint.runId()));
            service.fenced();
            return;
        }
        if (!CheckpointPublished.KIND_BEST.equals(checkpoint.kind()) || !checkpoint.isFinal()) {
            LOG.debugf(
                    "run %s: %s checkpoint of epoch %d (final: %s) ignored",
                    checkpoint.runId(), checkpoint.kind(), checkpoint.epoch(), checkpoint.isFinal());
            service.ignored();
            return;
        }
        try {
            EvaluationService.Outcome outcome = service.evaluate(checkpoint, envelope.correlation());
            LOG.infof("run %s: %s", checkpoint.runId(), outcome.name().toLowerCase(java.util.Locale.ROOT));
        } catch (EvaluationFailure e) {
            if (e.badInput()) {
                throw new RejectedEventException(e.getMessage(), e);
            }
            throw e;
        }
    }
}
