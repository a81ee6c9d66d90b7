package io.softcifar.evaluator.service;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.ReliabilityBin;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/{runId}/evaluation/metrics.json}: the complete evaluation of a run. It is written after every other file
 * of the evaluation, so its presence means the evaluation is complete — and it is the service's idempotency marker: a
 * run with a metrics.json is never evaluated again. It keeps the id of the {@code evaluation.completed} event, so the
 * event can be re-sent under the same id if the service died between writing this file and publishing.
 *
 * @param format            {@value #FORMAT}
 * @param version           {@value #VERSION}
 * @param runId             the run
 * @param datasetId         the dataset whose test split and OOD sets were used
 * @param seed              the run seed (from the checkpoint header): which split of the dataset was the test split
 * @param checkpointKey     the evaluated checkpoint
 * @param checkpointSha256  its SHA-256 (as announced and verified)
 * @param checkpointEpoch   the epoch the checkpoint was taken after
 * @param eventId           id of the evaluation.completed event for this evaluation
 * @param evaluatedAt       when the evaluation finished
 * @param metrics           {@code split/metric} → value, as in the event (fractions, not percent)
 * @param reliability       the reliability diagram of the test split
 * @param dumpKey           the dump index (dump.json) beside the per-example .npy files
 * @param evaluation        what ml-core evaluated (method, depth, labels, seed, epochs, sizes, device)
 * @param timing            wall-clock seconds per phase
 * @param notes             things a reader should know (an OOD set smaller than the test split, ...)
 * @param provenance        what evaluated it (versions, device, dataset manifest SHA-256); absent in older records
 */
public record EvaluationRecord(
        String format,
        int version,
        String runId,
        String datasetId,
        long seed,
        String checkpointKey,
        String checkpointSha256,
        int checkpointEpoch,
        String eventId,
        Instant evaluatedAt,
        Map<String, Double> metrics,
        List<ReliabilityBin> reliability,
        String dumpKey,
        Map<String, Object> evaluation,
        Map<String, Object> timing,
        List<String> notes,
        @Nullable Provenance provenance) {

    public static final String FORMAT = "softcifar-evaluation";
    public static final int VERSION = 1;
}
