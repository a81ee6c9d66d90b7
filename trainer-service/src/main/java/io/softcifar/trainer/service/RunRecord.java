package io.softcifar.trainer.service;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.spec.RunSpec;
import java.time.Instant;

/**
 * How a run ended, stored as {@code runs/{runId}/training.json} <em>before</em> its terminal event is published.
 *
 * <p>The terminal event is stored in full (envelope JSON, with its event id). If the trainer dies between writing
 * this record and publishing the event ({@code terminalEventPublished} still false), the redelivered request
 * publishes exactly that envelope — same event id, so a consumer that saw it already can drop it — and sets the
 * flag.
 * Once the flag is true a repeated request publishes nothing: the terminal event is already the last record of the
 * run on the compacted training-state topic.
 *
 * @param runId                  the run
 * @param status                 FINISHED or CANCELLED (a failed run leaves no record: a new request may retry it)
 * @param spec                   the spec it ran with (defaults applied)
 * @param terminalEvent          the encoded envelope of TrainingFinished / TrainingCancelled
 * @param terminalEventPublished whether Kafka acknowledged it
 * @param endedAt                when the run ended
 */
public record RunRecord(
        String runId,
        RunStatus status,
        @Nullable RunSpec spec,
        String terminalEvent,
        boolean terminalEventPublished,
        Instant endedAt) {

    public RunRecord published() {
        return new RunRecord(runId, status, spec, terminalEvent, true, endedAt);
    }
}
