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
 * @param memory          the trainer process's resident memory while the run was here (null where unknown):
 *                        {@code residentMiBAtStart} when it began, {@code residentMiBPeak} the highest sample since
 *                        (every 20 steps and every epoch), {@code runsAtPeak} runs in the process at that sample
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
        @Nullable Memory memory,
        String detail) {

    /** Resident memory in MiB (see {@link RunRegistry.Memory}). */
    public record Memory(long residentMiBAtStart, long residentMiBPeak, int runsAtPeak) {
        static Memory of(RunRegistry.Memory m) {
            return m == null
                    ? null
                    : new Memory(m.residentBytesAtStart() >> 20, m.residentBytesPeak() >> 20, m.runsAtPeak());
        }
    }

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
                Memory.of(h.memory()),
                h.detail());
    }
}
