package io.softcifar.trainer.service;

import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.events.Failures;
import io.softcifar.service.events.RejectedEventException;
import io.softcifar.service.events.RetryableEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * What a failure of a run comes to: an invalid request or spec is rejected, a bad dataset or any other error fails the
 * run (both publish training.failed and end in {@link RejectedEventException}), an outage is retried without a verdict,
 * a lost lease stops the run without an outcome, and a consumer that gave up publishes training.failed.
 */
record RunFailures(RunOutcomes outcomes, RunRegistry registry, TrainerMetrics metrics) {

    /** The executor's category, so that the log lines of a run stay under one name. */
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** Rejects a request whose run id or spec is invalid (training.failed with every field error). */
    void rejectIfInvalid(String runId, RunSpec spec, Correlation corr) {
        List<FieldError> errors = new ArrayList<>();
        if (!ObjectKeys.isValidId(runId)) {
            errors.add(new FieldError(
                    "runId", ObjectKeys.ID_RULE + ", got " + (runId == null ? "null" : "'" + runId + "'")));
        }
        if (spec == null) {
            errors.add(new FieldError("spec", "required"));
        } else {
            errors.addAll(spec.validate());
        }
        if (!errors.isEmpty()) {
            throw outcomes.fail(
                    runId,
                    corr,
                    "invalid run spec: "
                            + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")),
                    errors,
                    "rejected",
                    outcomes.tokenOutsideLease(runId));
        }
    }

    /** Whether the failure is a verdict on the run (it ends it), as opposed to an outage that is retried. */
    static boolean isVerdict(Exception e) {
        return e instanceof RejectedEventException
                || e instanceof InvalidSpecException
                || e instanceof InvalidDataException
                || !Failures.retryable(e);
    }

    /**
     * The exception to throw for a failure while training: a verdict publishes training.failed (unless already
     * published) and is a {@link RejectedEventException}; an outage is rethrown as retryable and publishes nothing.
     */
    RuntimeException classify(
            Exception e, String runId, RunSpec spec, Correlation corr, RunRegistry.RunHandle handle, long token) {
        if (e instanceof RejectedEventException rejected) {
            return rejected;
        }
        if (e instanceof InvalidSpecException invalid) {
            return outcomes.fail(
                    runId, corr, "invalid run spec: " + invalid.getMessage(), invalid.errors(), "rejected", token);
        }
        if (e instanceof InvalidDataException) {
            return outcomes.fail(
                    runId, corr, "bad dataset " + spec.datasetId() + ": " + e.getMessage(), List.of(), "failed", token);
        }
        if (Failures.retryable(e)) {
            // the object store or the broker is away: no verdict on the run. The consumer tries the request
            // again with backoff, and the run resumes from its last checkpoint in the bucket.
            if (handle.isSuspended()) {
                metrics.outcome("suspended");
            } else {
                LOG.warnf(
                        "run %s: stopped by an outage, to be resumed when the request is retried: %s",
                        runId, e.getMessage());
                metrics.outcome("interrupted");
            }
            return e instanceof RuntimeException r ? r : new RetryableEventException(e.getMessage(), e);
        }
        LOG.errorf(e, "run %s failed", runId);
        return outcomes.fail(
                runId, corr, e.getClass().getSimpleName() + ": " + e.getMessage(), List.of(), "failed", token);
    }

    /** Another replica took the lease over: the run stops without an outcome; that replica finishes it. */
    RunExecutor.Outcome fencedOut(String runId, RunRegistry.RunHandle handle, RunLeases.Held lease) {
        long token = lease.token();
        metrics.outcome("fenced");
        LOG.warnf(
                "run %s: fenced out (lease token %d, now held by %s; epochs reported: %d): stopped without"
                        + " an outcome; the replica that took it over finishes it",
                runId, token, lease.lostTo(), handle.epoch());
        handle.update(
                RunStatus.FAILED,
                handle.epoch(),
                "fenced out: its lease (token " + token + ") was taken over by " + lease.lostTo());
        return RunExecutor.Outcome.FENCED;
    }

    /** The consumer gave up on the request: training.failed with the reason, under the run's current token. */
    void giveUp(String runId, Correlation corr, String reason) {
        long token = registry.find(runId)
                .map(RunRegistry.RunHandle::fencingToken)
                .filter(t -> t > 0)
                .orElseGet(() -> outcomes.tokenOutsideLease(runId));
        outcomes.fail(runId, corr, reason, List.of(), "failed", token);
    }
}
