package io.softcifar.evaluator.service;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.evaluator.service.EvaluationService.Outcome;
import io.softcifar.ml.eval.EvaluationDump;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.storage.NoSuchObjectException;
import io.softcifar.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A run's evaluation in the bucket and on the bus, in the order that makes exactly one evaluation per run: the
 * dump's files, {@code reliability.json}, {@code metrics.json} last (a complete evaluation), then
 * {@code evaluation.completed} and {@code published.json}. Also: telling a complete evaluation from a partial one,
 * re-sending a stored event that may never have got out, and removing partial files.
 */
@ApplicationScoped
public class EvaluationStore {

    private static final Logger LOG = Logger.getLogger(EvaluationStore.class);

    @Inject
    ObjectStore store;

    @Inject
    EventPublisher events;

    /** Uploads dump, reliability.json, then metrics.json; then publishes evaluation.completed and published.json. */
    void write(
            CheckpointPublished checkpoint,
            String datasetId,
            Correlation correlation,
            EvaluationResult result,
            Path staging,
            Provenance provenance) {
        String runId = checkpoint.runId();
        Path dumpDir = staging.resolve("evaluation");
        EvaluationDump.write(dumpDir, result);
        List<Path> files;
        try (Stream<Path> list = Files.list(dumpDir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!name.equals(EvaluationDump.INDEX_FILE)) {
                store.putFile(ObjectKeys.evaluationFile(runId, name), f, "application/octet-stream");
            }
        }
        String dumpKey = ObjectKeys.evaluationFile(runId, ObjectKeys.DUMP_INDEX_FILE);
        store.putFile(dumpKey, dumpDir.resolve(EvaluationDump.INDEX_FILE), "application/json");

        Map<String, Double> metrics = MetricMapping.toEventMetrics(result.metrics());
        var reliability = MetricMapping.toEventReliability(result.metrics());
        Map<String, Object> reliabilityFile = new LinkedHashMap<>();
        reliabilityFile.put("runId", runId);
        reliabilityFile.put("split", "test");
        reliabilityFile.put("confidence", "predicted confidence (max probability), 10 equal-width bins (lower, upper]");
        reliabilityFile.put("bins", reliability);
        store.putJson(
                ObjectKeys.evaluationFile(runId, ObjectKeys.RELIABILITY_FILE),
                EventCodec.toPrettyJson(reliabilityFile));

        Correlation out = Correlation.ofRun(correlation.studyId(), runId, datasetId);
        EventEnvelope completed = EventEnvelope.of(
                new EvaluationCompleted(runId, datasetId, metrics, dumpKey, reliability, provenance), out);
        EvaluationRecord record = new EvaluationRecord(
                EvaluationRecord.FORMAT,
                EvaluationRecord.VERSION,
                runId,
                datasetId,
                result.info().seed(),
                checkpoint.key(),
                checkpoint.sha256().toLowerCase(Locale.ROOT),
                checkpoint.epoch(),
                completed.eventId(),
                completed.time(),
                metrics,
                reliability,
                dumpKey,
                result.infoMap(),
                timing(result.timing()),
                result.notes(),
                provenance);
        store.putJson(ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE), EventCodec.toPrettyJson(record));
        publishCompleted(runId, completed);
        LOG.infof(
                "run %s: evaluated in %.1f s: test/accuracy %.4f, test/ece %.4f%s",
                runId,
                result.timing().totalSeconds(),
                metrics.get("test/accuracy"),
                metrics.get("test/ece"),
                result.notes().isEmpty() ? "" : " (notes: " + String.join("; ", result.notes()) + ")");
    }

    private void publishCompleted(String runId, EventEnvelope completed) {
        events.publish(Topics.EVALUATION_RESULTS, runId, completed);
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("eventId", completed.eventId());
        marker.put("topic", Topics.EVALUATION_RESULTS);
        marker.put("publishedAt", Instant.now().toString());
        store.putJson(
                ObjectKeys.evaluationFile(runId, EvaluationService.PUBLISHED_FILE), EventCodec.toPrettyJson(marker));
    }

    /** Present if the run has a complete evaluation: skip it, or re-send its event if that never got out. */
    Optional<Outcome> alreadyEvaluated(String runId, String metricsKey) {
        if (!store.exists(metricsKey)) {
            return Optional.empty();
        }
        if (store.exists(ObjectKeys.evaluationFile(runId, EvaluationService.PUBLISHED_FILE))) {
            LOG.infof("run %s: already evaluated (%s exists); event acknowledged and skipped", runId, metricsKey);
            return Optional.of(Outcome.ALREADY_EVALUATED);
        }
        EvaluationRecord record = EventCodec.fromJson(
                new String(store.getBytes(metricsKey), StandardCharsets.UTF_8), EvaluationRecord.class);
        EvaluationCompleted payload = new EvaluationCompleted(
                record.runId(),
                record.datasetId(),
                record.metrics(),
                record.dumpKey(),
                record.reliability(),
                record.provenance());
        EventEnvelope again = new EventEnvelope(
                record.eventId(),
                EvaluationCompleted.TYPE,
                EventEnvelope.SCHEMA_VERSION,
                record.evaluatedAt(),
                Correlation.ofRun(null, record.runId(), record.datasetId()),
                payload);
        LOG.warnf(
                "run %s: evaluated before, but its evaluation.completed may not have been published; sending it"
                        + " again under its original id %s",
                runId, record.eventId());
        publishCompleted(runId, again);
        return Optional.of(Outcome.REPUBLISHED);
    }

    void removePartialFiles(String runId) {
        store.removeIncomplete(
                ObjectKeys.evaluationPrefix(runId),
                ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE),
                "evaluation of run " + runId);
    }

    /** The stored metrics.json of a run, if it has a complete evaluation. */
    public Optional<String> metricsJson(String runId) {
        if (!ObjectKeys.isValidId(runId)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(
                    store.getBytes(ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE)), StandardCharsets.UTF_8));
        } catch (NoSuchObjectException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> timing(EvaluationResult.Timing t) {
        Map<String, Object> m = new LinkedHashMap<>();
        t.phaseSeconds().forEach((phase, seconds) -> m.put(phase + "Seconds", seconds));
        return m;
    }
}
