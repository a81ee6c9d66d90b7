package io.softcifar.trainer.rest;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.trainer.service.RunRegistry;
import java.time.Instant;

/**
 * A run of this replica as {@code GET /api/runs} shows it.
 *
 * @param runId           the run
 * @param datasetId       its dataset
 * @param status          REQUESTED (loading data), RUNNING, FINISHED, CANCELLED or FAILED
 * @param epoch           epochs completed
 * @param epochs          epochs planned
 * @param imagesPerSecond throughput of its last epoch
 * @param startedAt       when this replica took it
 * @param updatedAt       last change
 * @param firstStepAt     when its first training step here ended (null before): request → first step is
 *                        {@code firstStepAt} − the request's time
 * @param detail          e.g. "resumed from the epoch-12 checkpoint"
 */
public record RunView(
        String runId,
        String datasetId,
        RunStatus status,
        int epoch,
        int epochs,
        double imagesPerSecond,
        Instant startedAt,
        Instant updatedAt,
        @Nullable Instant firstStepAt,
        String detail) {

    static RunView of(RunRegistry.RunHandle h) {
        return new RunView(
                h.runId(),
                h.datasetId(),
                h.status(),
                h.epoch(),
                h.epochs(),
                h.imagesPerSecond(),
                h.startedAt(),
                h.updatedAt(),
                h.firstStepAt(),
                h.detail());
    }
}
