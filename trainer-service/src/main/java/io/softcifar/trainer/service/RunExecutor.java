package io.softcifar.trainer.service;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.contracts.util.FileTrees;
import io.softcifar.ml.data.shard.ShardedSplit;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import io.softcifar.service.events.Failures;
import io.softcifar.service.events.RejectedEventException;
import io.softcifar.service.provenance.ProvenanceSource;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Trains one requested run from start (or from its last checkpoint in the bucket) to its one terminal event. Plain
 * Java, no CDI: the service's consumer calls it on a worker thread, and tests call it directly — twice on the same
 * run to prove that a run picked up again after a crash continues from its checkpoint.
 *
 * <p><b>What a run does</b>, in order: validate the spec; skip it if its outcome record exists (a duplicate); load the
 * dataset manifest and the seed's train/validation/test shards into a fresh local folder (SHA-256 checked against the
 * manifest by ml-core's {@link ShardedSplit}); download {@code last.ckpt} and {@code best.ckpt} from the bucket if an
 * earlier attempt left them, so {@link Trainer} resumes after the last completed epoch; train. After each epoch: upload
 * {@code best.ckpt} when the epoch improved the validation loss, upload {@code last.ckpt} when the trainer wrote it
 * (every {@code checkpointEvery} epochs and after the last), then publish progress and the RUNNING state. At the end:
 * upload {@code best.ckpt}, publish it as the final checkpoint, write the outcome record, publish the terminal event.
 *
 * <p>Uploads go best first, then last: the bucket's best checkpoint is never older than its resume point, so a
 * resumed run that does not improve on it still has the right best model.
 *
 * <p>Failures: an invalid spec, an unknown dataset or seed, bad shards, or any error while training publish
 * {@link TrainingFailed} and end in {@link RejectedEventException} (the consumer puts the request on the DLQ). A
 * {@linkplain Failures#retryable retryable} failure (the object store or the broker away) publishes nothing and is
 * rethrown: the consumer retries the request with backoff and the run resumes from its last checkpoint. A
 * {@link Error} (and so a test's simulated crash) publishes nothing: the process is assumed dead.
 *
 * <p>This class keeps the order of a run; its jobs are done by {@link RunInputs}, {@link EpochProgress}, {@link
 * RunPublisher}, {@link RunOutcomes}, {@link RunFailures}, {@link CancelMarkers} and {@link RunLeases}.
 */
public final class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** What a request came to. Failures are thrown instead ({@link RejectedEventException}). */
    public enum Outcome {
        FINISHED,
        CANCELLED,
        ALREADY_ENDED,
        ALREADY_RUNNING,
        FENCED
    }

    /** Test seams. Production uses {@link #NONE}. */
    public interface Hooks {
        /** After a checkpoint of a run was uploaded; kind "epoch" (last.ckpt) or "best". */
        default void afterCheckpointUpload(String runId, String kind, int epoch) {}

        Hooks NONE = new Hooks() {};
    }

    private final ObjectStore store;
    private final RunRegistry registry;
    private final TrainerMetrics metrics;
    private final Path workDir;
    private final String device;
    private GpuAssignment gpuAssignment;
    private final Hooks hooks;
    private final RunLeases leases;
    private final RunPublisher publisher;
    private final CancelMarkers cancels;
    private final RunOutcomes outcomes;
    private final RunInputs inputs;
    private final RunFailures failures;

    /**
     * @param device   the replica's device setting (auto, cpu, gpu); a spec's own {@code device} other than auto wins
     * @param leaseTtl how long a run's lease stays valid without renewal ({@link RunLeases})
     * @param leaseSettle the pause between writing a lease and reading it back ({@link RunLeases#defaultSettle})
     */
    public RunExecutor(
            ObjectStore store,
            EventSink events,
            RunRegistry registry,
            TrainerMetrics metrics,
            Path workDir,
            String device,
            Duration leaseTtl,
            Duration leaseSettle,
            Hooks hooks) {
        this.store = store;
        this.leases = new RunLeases(store, leaseTtl, leaseSettle);
        this.registry = registry;
        this.metrics = metrics;
        this.workDir = workDir;
        this.device = device;
        this.hooks = hooks == null ? Hooks.NONE : hooks;
        this.publisher = new RunPublisher(store, events, metrics);
        this.cancels = new CancelMarkers(store);
        this.outcomes = new RunOutcomes(store, publisher, metrics, leases, this.hooks);
        this.inputs = new RunInputs(store, outcomes, metrics);
        this.failures = new RunFailures(outcomes, registry, metrics);
    }

    public RunRegistry registry() {
        return registry;
    }

    /**
     * Runs the request to its end; blocks for the whole training.
     *
     * @throws RejectedEventException after publishing {@link TrainingFailed}, when the run cannot be trained
     * @throws InterruptedException    if interrupted while waiting for another replica's lease (shutdown)
     */
    public Outcome execute(TrainingRequested request, Correlation correlation) throws InterruptedException {
        return execute(request, correlation, null);
    }

    /**
     * As {@link #execute(TrainingRequested, Correlation)}, for a request made at {@code requestedAt} (its event's
     * time): if the run's latest cancel came at or after that time, the run ends as cancelled without training.
     */
    public Outcome execute(TrainingRequested request, Correlation correlation, Instant requestedAt)
            throws InterruptedException {
        String runId = request.runId();
        RunSpec spec = request.spec();
        Correlation corr = correlation(request, correlation);
        failures.rejectIfInvalid(runId, spec, corr);
        spec = spec.withDefaults();

        Optional<CancelMarker> cancel = cancels.supersedingRequest(runId, requestedAt);
        Optional<RunRecord> ended = outcomes.readRecord(runId);
        if (ended.isPresent()
                && ended.get().status() == RunStatus.CANCELLED
                && ended.get().terminalEventPublished()
                && cancel.isEmpty()) {
            // a request for a cancelled run is a retry (results-service: POST /api/studies/{id}/retry): it resumes
            // from the run's last checkpoint, which cancelling kept
            LOG.infof("run %s: was cancelled; the new request resumes it from its last checkpoint", runId);
            store.delete(RunKeys.record(runId));
            ended = Optional.empty();
        }
        if (ended.isPresent()) {
            outcomes.finishDuplicate(ended.get());
            return Outcome.ALREADY_ENDED;
        }
        Optional<RunRegistry.RunHandle> begun = registry.begin(runId, spec.datasetId(), spec.epochs());
        if (begun.isEmpty()) {
            LOG.infof("run %s: already training in this process; the repeated request is ignored", runId);
            metrics.outcome("duplicate");
            return Outcome.ALREADY_RUNNING;
        }
        RunRegistry.RunHandle handle = begun.get();
        if (cancel.isEmpty()) {
            // read again now that the run is registered: a cancel that came since the first read is in the bucket,
            // one that comes from here on finds the run's flag
            cancel = cancels.supersedingRequest(runId, requestedAt);
        }
        OptionalLong mine;
        try {
            mine = leases.acquire(runId, () -> store.exists(RunKeys.record(runId)));
        } catch (InterruptedException | RuntimeException e) {
            handle.update(RunStatus.FAILED, 0, "stopped while waiting for the run's lease: " + e.getMessage());
            throw e;
        }
        if (mine.isEmpty()) { // another replica trained it to its end meanwhile
            RunRecord record = outcomes.readRecord(runId).orElseThrow();
            handle.update(record.status(), 0, "ended on another replica");
            outcomes.finishDuplicate(record);
            return Outcome.ALREADY_ENDED;
        }
        if (cancel.isPresent()) {
            // cancelled after this request was made (e.g. a queued run of a cancelled study): it ends without training
            handle.requestCancel(CancelMarkers.reasonOf(cancel.get()));
        }
        long token = mine.getAsLong();
        handle.fencingToken(token);
        RunLeases.Held lease = leases.hold(runId, token, handle::fence);
        Path runDir = workDir.resolve("runs").resolve(runId);
        boolean terminal = false;
        try {
            Outcome outcome = train(runId, spec, corr, handle, runDir, requestedAt, lease);
            terminal = true;
            return outcome;
        } catch (FencedOut e) {
            return failures.fencedOut(runId, handle, lease);
        } catch (Exception e) {
            terminal = RunFailures.isVerdict(e);
            throw failures.classify(e, runId, spec, corr, handle, token);
        } finally {
            if (handle.status() != RunStatus.FINISHED && handle.status() != RunStatus.CANCELLED && !handle.isFenced()) {
                handle.update(
                        RunStatus.FAILED, handle.epoch(), terminal ? handle.detail() : "stopped without an outcome");
            }
            // a crashed run's lease is left to expire, as if the process had died; a run stopped by a shutdown gives
            // its lease up, so that whoever reads its request next resumes it at once; a lost lease is another's
            lease.release(terminal || handle.isSuspended());
            if (terminal || handle.isFenced()) {
                FileTrees.deleteQuietly(
                        runDir); // the checkpoints are in the bucket; a crash keeps the folder for a post-mortem
            }
        }
    }

    private Outcome train(
            String runId,
            RunSpec spec,
            Correlation corr,
            RunRegistry.RunHandle handle,
            Path runDir,
            Instant requestedAt,
            RunLeases.Held lease)
            throws IOException, InterruptedException {
        if (handle.isCancelled()) { // cancelled before it started: no data is fetched, nothing is trained
            return outcomes.cancelled(runId, spec, corr, handle, 0, lease);
        }
        RunInputs.Dataset dataset = inputs.dataset(runId, corr, spec, lease.token());
        SeedEntry seedEntry = dataset.seed();
        SplitEntry train = RunInputs.split(seedEntry, DatasetManifest.SPLIT_TRAIN);
        TrainConfig config = RunSpecMapping.toTrainConfig(
                spec, train.meanEntropy(), dataset.manifest().numClasses());

        FileTrees.deleteQuietly(runDir); // a fresh folder: what counts is the bucket
        Path checkpoints = Files.createDirectories(runDir.resolve("checkpoints"));
        int resumeFrom = inputs.restoreCheckpoints(runId, checkpoints);
        String startedHow = resumeFrom > 0 ? "resumed from the epoch-" + resumeFrom + " checkpoint" : "started";
        handle.update(RunStatus.RUNNING, resumeFrom, startedHow);
        publisher.publish(
                Topics.TRAINING_STATE,
                runId,
                corr,
                new RunState(runId, RunStatus.RUNNING, resumeFrom, Instant.now(), startedHow),
                lease.token());
        LOG.infof(
                "run %s: %s (%s, dataset %s seed %d, device %s)",
                runId, startedHow, config, spec.datasetId(), spec.seed(), deviceFor(spec));

        TrainingData data = inputs.loadData(dataset.manifest(), seedEntry, runDir.resolve("data"), config);
        if (handle.isFenced()) {
            throw new FencedOut(runId);
        }
        if (handle.isSuspended() && !handle.isCancelled()) {
            throw outcomes.suspended(runId, handle);
        }
        if (handle.isCancelled()) {
            return outcomes.cancelled(runId, spec, corr, handle, resumeFrom, lease);
        }
        String runDevice = gpus().acquire(deviceFor(spec));
        TrainResult result;
        Provenance provenance;
        try {
            Trainer.Options options = new Trainer.Options(
                            checkpoints, runDevice, spec.checkpointEvery(), true, 0, handle::shouldStop)
                    .withFencingToken(lease.token());
            EpochProgress progress = new EpochProgress(
                    runId, corr, handle, checkpoints, requestedAt, lease, publisher, cancels, metrics, hooks);
            result = Trainer.train(config, data, options, progress);
            provenance = ProvenanceSource.current(DeviceSelection.resolve(runDevice))
                    .withConfiguration(spec.withDefaults())
                    .withDatasetManifest(dataset.manifestBytes());
        } finally {
            gpus().release(runDevice);
        }
        if (handle.isFenced()) {
            throw new FencedOut(runId);
        }
        if (result.cancelled() && handle.isSuspended() && !handle.isCancelled()) {
            throw outcomes.suspended(runId, handle);
        }
        if (result.cancelled()) {
            return outcomes.cancelled(runId, spec, corr, handle, result.epochsRun(), lease);
        }
        return outcomes.finished(runId, spec, corr, handle, result, lease, provenance);
    }

    /** Created on first use: counting GPUs loads the PyTorch engine, which training needs anyway. */
    private synchronized GpuAssignment gpus() {
        if (gpuAssignment == null) {
            gpuAssignment = new GpuAssignment(EngineSetup.engine().getGpuCount());
        }
        return gpuAssignment;
    }

    private String deviceFor(RunSpec spec) {
        return RunSpec.DEVICE_AUTO.equals(spec.device()) ? device : spec.device();
    }

    /**
     * Remembers a cancel request for a run that may not be training yet (see {@link CancelMarker}); a later request
     * replaces an earlier one.
     */
    public void rememberCancel(String runId, Instant requestedAt, String reason) {
        cancels.remember(runId, requestedAt, reason);
    }

    /**
     * The consumer gave up on this request after its retry budget (an outage that outlasted it): publishes
     * training.failed with the reason, so the study is told instead of waiting; its checkpoints stay, and a retry of
     * the run resumes from them.
     */
    public void giveUp(TrainingRequested request, Correlation correlation, String reason) {
        failures.giveUp(request.runId(), correlation(request, correlation), reason);
    }

    private static Correlation correlation(TrainingRequested request, Correlation correlation) {
        RunSpec spec = request.spec();
        return Correlation.ofRun(
                correlation == null ? request.studyId() : correlation.studyId(),
                request.runId(),
                spec == null ? null : spec.datasetId());
    }
}
