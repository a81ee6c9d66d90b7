package io.softcifar.trainer.service;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.EpochStats;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.service.events.RejectedEventException;
import io.softcifar.service.events.RetryableEventException;
import io.softcifar.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * How a run ends: finished, cancelled, failed, stopped by shutdown, or found ended already (a duplicate request). Owns
 * the run's outcome record ({@link RunRecord}): written before the terminal event, marked published after it.
 */
record RunOutcomes(
        ObjectStore store, RunPublisher publisher, TrainerMetrics metrics, RunLeases leases, RunExecutor.Hooks hooks) {

    /** The executor's category, so that the log lines of a run stay under one name. */
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** Uploads and publishes the final best checkpoint, then ends the run as finished. */
    RunExecutor.Outcome finished(
            String runId,
            RunSpec spec,
            Correlation corr,
            RunRegistry.RunHandle handle,
            TrainResult result,
            RunLeases.Held lease,
            Provenance provenance) {
        if (!lease.verify()) {
            throw new FencedOut(runId);
        }
        Path best = result.bestCheckpoint();
        if (!Files.exists(best)) {
            throw new IllegalStateException("the trainer left no " + best + " after " + result.epochsRun() + " epochs");
        }
        RunPublisher.Uploaded up = publisher.checkpoint(
                runId,
                corr,
                best,
                RunKeys.bestCheckpoint(runId),
                CheckpointPublished.KIND_BEST,
                result.bestEpoch(),
                true,
                lease.token());
        hooks.afterCheckpointUpload(runId, "final", result.bestEpoch());
        double trainSeconds =
                result.history().stream().mapToDouble(EpochStats::seconds).sum();
        TrainingFinished summary = new TrainingFinished(
                runId,
                result.bestEpoch(),
                result.bestValLoss(),
                result.bestValAccuracy(),
                result.epochsRun(),
                trainSeconds,
                up.key(),
                null,
                provenance);
        end(runId, spec, corr, RunStatus.FINISHED, summary, lease);
        handle.update(RunStatus.FINISHED, result.epochsRun(), "best epoch " + result.bestEpoch());
        metrics.outcome("finished");
        LOG.info(String.format(
                Locale.ROOT,
                "run %s: finished after %d epochs; best epoch %d, val loss %.4f, val acc %.2f%%",
                runId,
                result.epochsRun(),
                result.bestEpoch(),
                result.bestValLoss(),
                100 * result.bestValAccuracy()));
        return RunExecutor.Outcome.FINISHED;
    }

    RunExecutor.Outcome cancelled(
            String runId,
            RunSpec spec,
            Correlation corr,
            RunRegistry.RunHandle handle,
            int atEpoch,
            RunLeases.Held lease) {
        TrainingCancelled event = new TrainingCancelled(runId, atEpoch, handle.cancelReason());
        end(runId, spec, corr, RunStatus.CANCELLED, event, lease);
        handle.update(RunStatus.CANCELLED, atEpoch, handle.cancelReason());
        metrics.outcome("cancelled");
        LOG.infof(
                "run %s: cancelled after %d epochs (%s); its checkpoints stay in the bucket",
                runId, atEpoch, handle.cancelReason());
        return RunExecutor.Outcome.CANCELLED;
    }

    /**
     * A shutdown stopped the run: no outcome is published; every epoch checkpoint written so far is in the bucket
     * already (uploaded as written). The lease is deleted by the caller, so the next reader of the request resumes at
     * once instead of waiting for the lease to expire.
     */
    RetryableEventException suspended(String runId, RunRegistry.RunHandle handle) {
        LOG.infof(
                "run %s: stopped by shutdown after %d epochs; its request resumes it from the last checkpoint",
                runId, handle.epoch());
        handle.update(RunStatus.FAILED, handle.epoch(), "stopped by shutdown; resumes when its request is read again");
        return new RetryableEventException("run " + runId + " stopped by shutdown");
    }

    /** Publishes {@link TrainingFailed} and returns the exception that puts the request on the DLQ. */
    RejectedEventException fail(
            String runId, Correlation corr, String reason, List<FieldError> errors, String outcome, long token) {
        LOG.warnf("run %s: %s", runId, reason);
        metrics.outcome(outcome);
        publisher.publish(
                Topics.TRAINING_STATE,
                runId,
                corr,
                new TrainingFailed(runId == null ? "" : runId, reason, errors),
                token);
        return new RejectedEventException(reason);
    }

    /**
     * Outcome record first, then the terminal event, then the record marked published (see {@link RunRecord}). The
     * lease is checked first: a holder that was fenced out writes no record and publishes nothing.
     */
    private void end(
            String runId, RunSpec spec, Correlation corr, RunStatus status, Event terminal, RunLeases.Held lease) {
        if (!lease.verify()) {
            throw new FencedOut(runId);
        }
        EventEnvelope envelope = RunPublisher.envelope(terminal, corr, lease.token());
        RunRecord record = new RunRecord(runId, status, spec, EventCodec.encode(envelope), false, Instant.now());
        store.putJson(RunKeys.record(runId), EventCodec.toJson(record));
        publisher.publish(Topics.TRAINING_STATE, runId, envelope);
        store.putJson(RunKeys.record(runId), EventCodec.toJson(record.published()));
    }

    Optional<RunRecord> readRecord(String runId) {
        String key = RunKeys.record(runId);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(
                EventCodec.fromJson(new String(store.getBytes(key), StandardCharsets.UTF_8), RunRecord.class));
    }

    /** A request for a run that has its outcome record: ignored, or its unconfirmed terminal event published again. */
    void finishDuplicate(RunRecord record) {
        metrics.outcome("duplicate");
        if (record.terminalEventPublished()) {
            LOG.infof("run %s: already %s; the repeated request is ignored", record.runId(), record.status());
            return;
        }
        if (leases.heldElsewhere(record.runId())) {
            LOG.infof("run %s: ending on another replica right now; the repeated request is ignored", record.runId());
            return;
        }
        // the previous attempt died between writing its record and publishing: publish the same envelope (same id)
        LOG.infof(
                "run %s: already %s but its terminal event was not confirmed; publishing it now",
                record.runId(), record.status());
        publisher.publish(Topics.TRAINING_STATE, record.runId(), EventCodec.decode(record.terminalEvent()));
        store.putJson(RunKeys.record(record.runId()), EventCodec.toJson(record.published()));
    }

    /**
     * The token for an event published without holding the run's lease (a rejected request, a give-up): the one in
     * the bucket now, so that readers do not take the event for a stale one; 0 if it cannot be read.
     */
    long tokenOutsideLease(String runId) {
        if (!ObjectKeys.isValidId(runId)) {
            return 0L;
        }
        try {
            return leases.currentToken(runId);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "run %s: cannot read its lease's token (%s); the event goes out without one",
                    runId, e.getMessage());
            return 0L;
        }
    }
}
