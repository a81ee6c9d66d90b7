package io.softcifar.evaluator.service;

import ai.djl.Device;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationFailed;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.contracts.util.FileTrees;
import io.softcifar.evaluator.config.EvaluatorSettings;
import io.softcifar.ml.eval.EvaluationOptions;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.ml.eval.EvaluationThreads;
import io.softcifar.ml.eval.ShardEvaluator;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.service.cores.CoreLedger;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.events.Failures;
import io.softcifar.service.provenance.ProvenanceSource;
import io.softcifar.storage.ObjectStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Evaluates a run's final best checkpoint: fetch (verified) → ml-core's evaluation core → files → event. No metric
 * is computed here; {@link ShardEvaluator} (ml-core) does all of it.
 *
 * <p><b>Where the inputs come from.</b> The checkpoint is the object the {@code checkpoint.published} event names,
 * checked against its SHA-256 and size. The <em>dataset id</em> comes from the event envelope's correlation
 * ({@code correlation.datasetId}: the trainer knows it from the run spec and must set it). The <em>seed</em> comes
 * from the checkpoint header ({@code config.seed}): the seed the model was actually trained with, which selects the
 * seed's test split in the dataset manifest.
 *
 * <p><b>Files, and exactly one evaluation per run.</b> Under {@code runs/{runId}/evaluation/} the dump's
 * {@code .npy} files and {@code dump.json} are written first, then {@code reliability.json}, then
 * {@code metrics.json} last: a metrics.json means a complete evaluation. Then {@code evaluation.completed} is
 * published (its event id is stored in metrics.json) and {@code published.json} is written. A re-delivered event
 * for a run with a metrics.json is acknowledged and skipped; only if the service died between metrics.json and
 * published.json is the stored event sent again, under its original id, so consumers can drop the duplicate.
 *
 * <p><b>Failures.</b> An outage of the object store or the broker ({@link Failures#retryable}) publishes nothing and
 * is rethrown, so the consumer tries the event again with backoff. Anything wrong with the inputs publishes {@code evaluation.failed} with a one-line reason,
 * removes the partial files and throws an {@link EvaluationFailure} (bad input), which the listener turns into a
 * dead letter. No metrics.json is left, so a corrected event for the run is evaluated normally.
 *
 * <p>This class is the outcome and failure policy with its meters; {@link CheckpointEvaluation} computes the result,
 * {@link EvaluationStore} writes and publishes it.
 */
@ApplicationScoped
@Startup // meters at 0 and the offline switch for DJL before the first event
public class EvaluationService {

    private static final Logger LOG = Logger.getLogger(EvaluationService.class);

    /** Written after evaluation.completed was accepted by Kafka. */
    public static final String PUBLISHED_FILE = "published.json";

    /** Outcome of one checkpoint event. */
    public enum Outcome {
        COMPLETED,
        ALREADY_EVALUATED,
        REPUBLISHED
    }

    @Inject
    ObjectStore store;

    @Inject
    EvaluationInputs inputs;

    @Inject
    EvaluationStore results;

    @Inject
    EventPublisher events;

    @Inject
    EvaluatorSettings settings;

    @Inject
    MeterRegistry registry;

    private final AtomicInteger active = new AtomicInteger();
    private Timer evaluationTimer;
    private EvaluationOptions options;

    @PostConstruct
    void init() {
        // natives come from the Maven jar (pytorch-native-cpu, or cu124 with -Pcuda): never download at run time
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        options = new EvaluationOptions(
                settings.fgsmEpsilons(),
                settings.mcSamples(),
                settings.sngpMcSamples(),
                settings.device(),
                settings.batchSize());
        evaluationTimer = Timer.builder("softcifar.evaluator.evaluation.seconds")
                .description("wall time of evaluations that completed (download, evaluation, upload)")
                .register(registry);
        registry.gauge("softcifar.evaluator.evaluations.active", active);
        for (String outcome : List.of("completed", "failed", "skipped", "ignored", "fenced")) {
            counter(outcome); // present at 0 from the start
        }
        CoreLedger.configured().ifPresent(EvaluationService::shareCores);
    }

    /**
     * On a machine shared with a trainer ({@code ./softcifar up}): before every batch, an evaluation takes the cores
     * the trainer's runs do not claim in the ledger, never fewer than this process's own threads. The trainer's idle
     * cores then serve the evaluation instead of waiting (docs/benchmarks.md, "Pipeline"); the counts used are in the
     * evaluation's provenance.
     */
    private static void shareCores(CoreLedger ledger) {
        int own = EngineSetup.threads();
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores <= own) {
            return; // nothing to gain
        }
        EvaluationThreads.install(() -> CoreLedger.share(own, cores, ledger.threadsOfOthers()));
        LOG.infof(
                "evaluations use %d to %d threads: the cores the trainer's runs leave idle (core ledger %s)",
                own, cores, ledger.dir());
    }

    /** The stored metrics.json of a run, if it has a complete evaluation. */
    public Optional<String> metricsJson(String runId) {
        return results.metricsJson(runId);
    }

    /** The options every evaluation uses (from {@code softcifar.evaluator.*}). */
    public EvaluationOptions options() {
        return options;
    }

    /** Counts a checkpoint event dropped for its stale fencing token (see {@code CheckpointListener}). */
    public void fenced() {
        counter("fenced").increment();
    }

    /** Counts a checkpoint event that is not a final best checkpoint. */
    public void ignored() {
        counter("ignored").increment();
    }

    /**
     * Evaluates the run's checkpoint unless the run already has an evaluation.
     *
     * @throws EvaluationFailure after publishing evaluation.failed
     */
    public Outcome evaluate(CheckpointPublished checkpoint, Correlation correlation) {
        String runId = checkpoint.runId();
        Correlation corr = correlation == null ? Correlation.NONE : correlation;
        if (!ObjectKeys.isValidId(runId)) {
            throw fail(
                    runId,
                    corr,
                    EvaluationFailure.badInput("runId: " + ObjectKeys.ID_RULE + ", got '" + runId + "'"),
                    false);
        }
        String metricsKey = ObjectKeys.evaluationFile(runId, ObjectKeys.METRICS_FILE);
        Optional<Outcome> done = results.alreadyEvaluated(runId, metricsKey);
        if (done.isPresent()) {
            counter("skipped").increment();
            return done.get();
        }
        active.incrementAndGet();
        Timer.Sample sample = Timer.start(registry);
        Path staging = settings.workDir().resolve(runId + "-" + UUID.randomUUID());
        try {
            run(checkpoint, corr, staging);
            sample.stop(evaluationTimer);
            counter("completed").increment();
            return Outcome.COMPLETED;
        } catch (EvaluationFailure e) {
            if (!e.badInput() && Failures.retryable(e)) {
                throw outage(runId, e);
            }
            throw fail(runId, corr, e, true);
        } catch (RuntimeException e) {
            if (Failures.retryable(e)) {
                throw outage(runId, e);
            }
            LOG.errorf(e, "run %s: evaluation failed", runId);
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw fail(runId, corr, new EvaluationFailure(EvaluationInputs.relative(reason, staging), false, e), true);
        } catch (LinkageError e) {
            // LinkageError: the PyTorch natives or an ml-core class could not be loaded. It is caught here because
            // the consumer's worker would otherwise drop it without a word, and the run would never get an answer.
            LOG.errorf(e, "run %s: evaluation failed", runId);
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw fail(runId, corr, new EvaluationFailure(EvaluationInputs.relative(reason, staging), false, e), true);
        } finally {
            active.decrementAndGet();
            FileTrees.deleteQuietly(staging);
        }
    }

    private void run(CheckpointPublished checkpoint, Correlation correlation, Path staging) {
        String runId = checkpoint.runId();
        String datasetId = correlation.datasetId();
        if (datasetId == null || datasetId.isBlank()) {
            throw EvaluationFailure.badInput("run " + runId + ": the event's correlation.datasetId is missing (the"
                    + " trainer must set it to the run's dataset id)");
        }
        if (!ObjectKeys.isValidId(datasetId)) {
            throw EvaluationFailure.badInput(
                    "correlation.datasetId: " + ObjectKeys.ID_RULE + ", got '" + datasetId + "'");
        }
        LOG.infof(
                "run %s: evaluating %s (epoch %d) on dataset %s",
                runId, checkpoint.key(), checkpoint.epoch(), datasetId);
        Device device;
        try {
            device = DeviceSelection.resolve(settings.device()); // a misconfigured device is the service's fault
        } catch (IllegalArgumentException e) {
            throw new EvaluationFailure(e.getMessage(), false, e);
        }
        Path checkpointFile = inputs.checkpoint(checkpoint, staging);
        EvaluationInputs.ReadManifest read = inputs.manifest(datasetId);
        EngineSetup.engine();
        Provenance provenance = ProvenanceSource.current(device).withDatasetManifest(read.bytes());
        EvaluationResult result;
        EvaluationThreads.begin(provenance.threads());
        try {
            result = CheckpointEvaluation.evaluate(
                    checkpoint, checkpointFile, read.manifest(), inputs, options, staging);
        } finally {
            EvaluationThreads.Used used = EvaluationThreads.end(provenance.threads());
            provenance = provenance.withThreads(used.min(), used.max());
        }
        results.write(checkpoint, datasetId, correlation, result, staging, provenance);
    }

    /**
     * The object store or the broker was away: no verdict, no evaluation.failed. The consumer tries the event again
     * with backoff (the staging folder is removed in any case; the next try starts afresh).
     */
    private RuntimeException outage(String runId, RuntimeException e) {
        LOG.warnf("run %s: evaluation stopped by an outage, to be tried again: %s", runId, e.getMessage());
        counter("interrupted").increment();
        return e;
    }

    /**
     * The consumer gave up on this checkpoint event after its retry budget (an outage that outlasted it): publishes
     * evaluation.failed with the reason, so the study is told instead of waiting; a retry of the run evaluates again.
     */
    public void giveUp(CheckpointPublished checkpoint, Correlation correlation, String reason) {
        fail(
                checkpoint.runId(),
                correlation == null ? Correlation.NONE : correlation,
                new EvaluationFailure(reason, false, null),
                true);
    }

    /** Publishes evaluation.failed, removes partial files, counts; returns the failure to throw. */
    private EvaluationFailure fail(String runId, Correlation correlation, EvaluationFailure failure, boolean cleanUp) {
        counter("failed").increment();
        LOG.warnf("run %s: evaluation failed: %s", runId, failure.getMessage());
        if (cleanUp) {
            results.removePartialFiles(runId);
        }
        String key = runId == null ? "" : runId;
        try {
            events.publish(
                    Topics.EVALUATION_RESULTS,
                    key,
                    EventEnvelope.of(
                            new EvaluationFailed(key, failure.getMessage()),
                            Correlation.ofRun(correlation.studyId(), runId, correlation.datasetId())));
        } catch (RuntimeException e) {
            LOG.errorf("run %s: could not publish evaluation.failed: %s", runId, e.getMessage());
        }
        return failure;
    }

    private Counter counter(String outcome) {
        return Counter.builder("softcifar.evaluator.evaluations")
                .description("checkpoint events by outcome: completed, failed, skipped (run already evaluated),"
                        + " ignored (not a final best checkpoint), fenced (stale fencing token)")
                .tag("outcome", outcome)
                .register(registry);
    }
}
