package io.softcifar.trainer.service;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Fenced;
import io.softcifar.contracts.events.Provenance;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingCancelled;
import io.softcifar.contracts.events.TrainingFailed;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.data.shard.ShardFile;
import io.softcifar.ml.data.shard.ShardedSplit;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EpochStats;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import io.softcifar.ml.train.TrainingListener;
import io.softcifar.service.events.Failures;
import io.softcifar.service.events.RejectedEventException;
import io.softcifar.service.events.RetryableEventException;
import io.softcifar.service.provenance.ProvenanceSource;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    /**
     * Another replica took the run's lease over while this one trained it (this process was paused or cut off for
     * longer than the lease TTL): the run stops here without an outcome and without another checkpoint.
     */
    private static final class FencedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FencedOut(String runId) {
            super("run " + runId + ": its lease was taken over by another replica", null, false, false);
        }
    }

    /** Test seams. Production uses {@link #NONE}. */
    public interface Hooks {
        /** After a checkpoint of a run was uploaded; kind "epoch" (last.ckpt) or "best". */
        default void afterCheckpointUpload(String runId, String kind, int epoch) {}

        Hooks NONE = new Hooks() {};
    }

    private final ObjectStore store;
    private final EventSink events;
    private final RunRegistry registry;
    private final TrainerMetrics metrics;
    private final Path workDir;
    private final String device;
    private GpuAssignment gpuAssignment;
    private final Hooks hooks;
    private final RunLeases leases;

    /**
     * @param device   the replica's device setting (auto, cpu, gpu); a spec's own {@code device} other than auto wins
     * @param leaseTtl how long a run's lease stays valid without renewal ({@link RunLeases})
     */
    public RunExecutor(
            ObjectStore store,
            EventSink events,
            RunRegistry registry,
            TrainerMetrics metrics,
            Path workDir,
            String device,
            java.time.Duration leaseTtl,
            Hooks hooks) {
        this.store = store;
        this.leases = new RunLeases(store, leaseTtl);
        this.events = events;
        this.registry = registry;
        this.metrics = metrics;
        this.workDir = workDir;
        this.device = device;
        this.hooks = hooks == null ? Hooks.NONE : hooks;
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
        Correlation corr = Correlation.ofRun(
                correlation == null ? request.studyId() : correlation.studyId(),
                runId,
                spec == null ? null : spec.datasetId());

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
            throw fail(
                    runId,
                    corr,
                    "invalid run spec: "
                            + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")),
                    errors,
                    "rejected",
                    tokenOutsideLease(runId));
        }
        spec = spec.withDefaults();

        Optional<CancelMarker> cancel = readCancel(runId).filter(c -> c.supersedes(requestedAt));
        Optional<RunRecord> ended = readRecord(runId);
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
            finishDuplicate(ended.get());
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
            cancel = readCancel(runId).filter(c -> c.supersedes(requestedAt));
        }
        OptionalLong mine;
        try {
            mine = leases.acquire(runId, () -> store.exists(RunKeys.record(runId)));
        } catch (InterruptedException | RuntimeException e) {
            handle.update(RunStatus.FAILED, 0, "stopped while waiting for the run's lease: " + e.getMessage());
            throw e;
        }
        if (mine.isEmpty()) { // another replica trained it to its end meanwhile
            RunRecord record = readRecord(runId).orElseThrow();
            handle.update(record.status(), 0, "ended on another replica");
            finishDuplicate(record);
            return Outcome.ALREADY_ENDED;
        }
        if (cancel.isPresent()) {
            // cancelled after this request was made (e.g. a queued run of a cancelled study): it ends without training
            handle.requestCancel(
                    cancel.get().reason() == null
                            ? "cancel requested"
                            : cancel.get().reason());
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
            metrics.outcome("fenced");
            LOG.warnf(
                    "run %s: fenced out (lease token %d, now held by %s; epochs reported: %d): stopped without"
                            + " an outcome; the replica that took it over finishes it",
                    runId, token, lease.lostTo(), handle.epoch());
            handle.update(
                    RunStatus.FAILED,
                    handle.epoch(),
                    "fenced out: its lease (token " + token + ") was taken over by " + lease.lostTo());
            return Outcome.FENCED;
        } catch (RejectedEventException e) {
            terminal = true;
            throw e;
        } catch (InvalidSpecException e) {
            terminal = true;
            throw fail(runId, corr, "invalid run spec: " + e.getMessage(), e.errors(), "rejected", token);
        } catch (InvalidDataException e) {
            terminal = true;
            throw fail(
                    runId, corr, "bad dataset " + spec.datasetId() + ": " + e.getMessage(), List.of(), "failed", token);
        } catch (Exception e) {
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
                throw e instanceof RuntimeException r ? r : new RetryableEventException(e.getMessage(), e);
            }
            terminal = true;
            LOG.errorf(e, "run %s failed", runId);
            throw fail(runId, corr, e.getClass().getSimpleName() + ": " + e.getMessage(), List.of(), "failed", token);
        } finally {
            if (handle.status() != RunStatus.FINISHED && handle.status() != RunStatus.CANCELLED && !handle.isFenced()) {
                handle.update(
                        RunStatus.FAILED, handle.epoch(), terminal ? handle.detail() : "stopped without an outcome");
            }
            // a crashed run's lease is left to expire, as if the process had died; a run stopped by a shutdown gives
            // its lease up, so that whoever reads its request next resumes it at once; a lost lease is another's
            lease.release(terminal || handle.isSuspended());
            if (terminal || handle.isFenced()) {
                deleteTree(runDir); // the checkpoints are in the bucket; a crash keeps the folder for a post-mortem
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
            return cancelled(runId, spec, corr, handle, 0, lease);
        }
        String datasetId = spec.datasetId();
        String manifestKey = ObjectKeys.manifest(datasetId);
        if (!store.exists(manifestKey)) {
            throw fail(
                    runId,
                    corr,
                    "dataset " + datasetId + " does not exist (no " + manifestKey + " in bucket " + store.bucket()
                            + "); build it with the dataset-service first",
                    List.of(new FieldError("datasetId", "dataset " + datasetId + " does not exist")),
                    "rejected",
                    lease.token());
        }
        byte[] manifestBytes = store.getBytes(manifestKey);
        DatasetManifest manifest = DatasetManifest.parse(new String(manifestBytes, StandardCharsets.UTF_8));
        long seed = spec.seed();
        SeedEntry seedEntry = manifest.forSeed(seed)
                .orElseThrow(() -> fail(
                        runId,
                        corr,
                        "dataset " + datasetId
                                + " has no split for seed " + seed + " (it was built for seeds "
                                + manifest.seeds().stream()
                                        .map(s -> String.valueOf(s.seed()))
                                        .collect(Collectors.joining(", "))
                                + ")",
                        List.of(new FieldError("seed", "dataset " + datasetId + " has no split for seed " + seed)),
                        "rejected",
                        lease.token()));
        SplitEntry train = split(seedEntry, DatasetManifest.SPLIT_TRAIN);
        TrainConfig config = RunSpecMapping.toTrainConfig(spec, train.meanEntropy(), manifest.numClasses());

        deleteTree(runDir); // a fresh folder: what counts is the bucket
        Path checkpoints = Files.createDirectories(runDir.resolve("checkpoints"));
        int resumeFrom = restoreCheckpoints(runId, checkpoints);
        String startedHow = resumeFrom > 0 ? "resumed from the epoch-" + resumeFrom + " checkpoint" : "started";
        handle.update(RunStatus.RUNNING, resumeFrom, startedHow);
        publish(
                Topics.TRAINING_STATE,
                runId,
                corr,
                new RunState(runId, RunStatus.RUNNING, resumeFrom, Instant.now(), startedHow),
                lease.token());
        LOG.infof(
                "run %s: %s (%s, dataset %s seed %d, device %s)",
                runId, startedHow, config, datasetId, seed, deviceFor(spec));

        TrainingData data = loadData(manifest, seedEntry, runDir.resolve("data"), config);
        if (handle.isFenced()) {
            throw new FencedOut(runId);
        }
        if (handle.isSuspended() && !handle.isCancelled()) {
            throw suspended(runId, handle);
        }
        if (handle.isCancelled()) {
            return cancelled(runId, spec, corr, handle, resumeFrom, lease);
        }
        String runDevice = gpus().acquire(deviceFor(spec));
        TrainResult result;
        Provenance provenance;
        try {
            Trainer.Options options = new Trainer.Options(
                            checkpoints, runDevice, spec.checkpointEvery(), true, 0, handle::shouldStop)
                    .withFencingToken(lease.token());
            Progress progress = new Progress(runId, corr, handle, checkpoints, requestedAt, lease);
            result = Trainer.train(config, data, options, progress);
            provenance = ProvenanceSource.current(DeviceSelection.resolve(runDevice))
                    .withConfiguration(spec.withDefaults())
                    .withDatasetManifest(manifestBytes);
        } finally {
            gpus().release(runDevice);
        }
        if (handle.isFenced()) {
            throw new FencedOut(runId);
        }
        if (result.cancelled() && handle.isSuspended() && !handle.isCancelled()) {
            throw suspended(runId, handle);
        }
        if (result.cancelled()) {
            return cancelled(runId, spec, corr, handle, result.epochsRun(), lease);
        }
        return finished(runId, spec, corr, handle, result, lease, provenance);
    }

    /**
     * A shutdown stopped the run: no outcome is published; every epoch checkpoint written so far is in the bucket
     * already (uploaded as written). The lease is deleted by the caller, so the next reader of the request resumes at
     * once instead of waiting for the lease to expire.
     */
    private RetryableEventException suspended(String runId, RunRegistry.RunHandle handle) {
        LOG.infof(
                "run %s: stopped by shutdown after %d epochs; its request resumes it from the last checkpoint",
                runId, handle.epoch());
        handle.update(RunStatus.FAILED, handle.epoch(), "stopped by shutdown; resumes when its request is read again");
        return new RetryableEventException("run " + runId + " stopped by shutdown");
    }

    /** Created on first use: counting GPUs loads the PyTorch engine, which training needs anyway. */
    private synchronized GpuAssignment gpus() {
        if (gpuAssignment == null) {
            gpuAssignment =
                    new GpuAssignment(io.softcifar.ml.train.EngineSetup.engine().getGpuCount());
        }
        return gpuAssignment;
    }

    private String deviceFor(RunSpec spec) {
        return RunSpec.DEVICE_AUTO.equals(spec.device()) ? device : spec.device();
    }

    private static SplitEntry split(SeedEntry seed, String name) {
        return seed.split(name)
                .orElseThrow(() -> InvalidDataException.forField(
                        "manifest", "seed " + seed.seed() + " has no " + name + " split"));
    }

    /** Downloads the resume point and the best model an earlier attempt left; returns the epochs they cover. */
    private int restoreCheckpoints(String runId, Path checkpoints) {
        String lastKey = RunKeys.lastCheckpoint(runId);
        if (!store.exists(lastKey)) {
            return 0;
        }
        Path last = checkpoints.resolve(Trainer.LAST);
        store.download(lastKey, last);
        String bestKey = RunKeys.bestCheckpoint(runId);
        if (store.exists(bestKey)) {
            store.download(bestKey, checkpoints.resolve(Trainer.BEST));
        }
        int epochs = Checkpoint.readHeader(last).epochsCompleted();
        LOG.infof("run %s: found its epoch-%d checkpoint in the bucket; resuming from it", runId, epochs);
        return epochs;
    }

    /** Downloads the seed's three splits once, checks them against the manifest, and prepares the run's arrays. */
    private TrainingData loadData(DatasetManifest manifest, SeedEntry seed, Path dataDir, TrainConfig config)
            throws IOException {
        Files.createDirectories(dataDir);
        long start = System.nanoTime();
        List<LabeledShard> parts = new ArrayList<>();
        long bytes = 0;
        for (String name : DatasetManifest.SPLITS) {
            List<ShardFile> files = new ArrayList<>();
            for (Shard shard : split(seed, name).shards()) {
                Path file = dataDir.resolve(shard.key().substring(shard.key().lastIndexOf('/') + 1));
                bytes += store.download(shard.key(), file);
                files.add(new ShardFile(file, shard.sha256()));
            }
            parts.add(ShardedSplit.load(files)); // verifies each file's SHA-256 against the manifest's
        }
        ShardedSplit.TrainValTest all = ShardedSplit.combine(parts.get(0), parts.get(1), parts.get(2));
        LOG.infof(
                "dataset %s seed %d: %d images (%.1f MB) loaded in %.1f s",
                manifest.datasetId(), seed.seed(), all.data().size(), bytes / 1e6, (System.nanoTime() - start) / 1e9);
        return TrainingData.of(all.data(), all.split(), config);
    }

    /** Per-epoch uploads and events, on the training thread. */
    private final class Progress implements TrainingListener {
        private final String runId;
        private final Correlation corr;
        private final RunRegistry.RunHandle handle;
        private final Path checkpoints;
        private final Instant requestedAt;
        private final RunLeases.Held lease;
        private double secondsThisProcess;
        private int epochsThisProcess;

        Progress(
                String runId,
                Correlation corr,
                RunRegistry.RunHandle handle,
                Path checkpoints,
                Instant requestedAt,
                RunLeases.Held lease) {
            this.lease = lease;
            this.runId = runId;
            this.corr = corr;
            this.handle = handle;
            this.checkpoints = checkpoints;
            this.requestedAt = requestedAt;
        }

        /**
         * A cancel this replica's broadcast listener missed (it started after the cancel was published, and the
         * durable cancel listener of another replica wrote the marker) still stops the run at the next epoch.
         */
        private void checkCancelMarker() {
            if (handle.isCancelled()) {
                return;
            }
            try {
                readCancel(runId)
                        .filter(c -> c.supersedes(requestedAt))
                        .ifPresent(c -> handle.requestCancel(c.reason() == null ? "cancel requested" : c.reason()));
            } catch (RuntimeException e) {
                LOG.debugf("run %s: cancel marker not readable now (%s)", runId, e.getMessage());
            }
        }

        /** The renewal thread found the lease taken over (no store call: checked before every upload and event). */
        private void stopIfFenced() {
            if (handle.isFenced() || lease.lost()) {
                throw new FencedOut(runId);
            }
        }

        @Override
        public void onEpoch(EpochStats stats, int totalEpochs) {
            if (!lease.verify()) { // taken over: not one more checkpoint or event from here
                throw new FencedOut(runId);
            }
            checkCancelMarker();
            metrics.epoch(stats.seconds());
            handle.throughput(stats.imagesPerSecond());
            secondsThisProcess += stats.seconds();
            epochsThisProcess++;
            int epoch = stats.epoch();
            if (stats.best()) {
                stopIfFenced();
                Uploaded best = upload(checkpoints.resolve(Trainer.BEST), RunKeys.bestCheckpoint(runId), "best");
                publish(
                        Topics.CHECKPOINTS,
                        runId,
                        corr,
                        new CheckpointPublished(
                                runId,
                                epoch,
                                CheckpointPublished.KIND_BEST,
                                false,
                                best.key(),
                                best.sha256(),
                                best.bytes()),
                        lease.token());
                hooks.afterCheckpointUpload(runId, CheckpointPublished.KIND_BEST, epoch);
            }
            Path last = checkpoints.resolve(Trainer.LAST);
            if (Files.exists(last) && Checkpoint.readHeader(last).epochsCompleted() == epoch) {
                stopIfFenced();
                Uploaded up = upload(last, RunKeys.lastCheckpoint(runId), "epoch");
                publish(
                        Topics.CHECKPOINTS,
                        runId,
                        corr,
                        new CheckpointPublished(
                                runId, epoch, CheckpointPublished.KIND_EPOCH, false, up.key(), up.sha256(), up.bytes()),
                        lease.token());
                hooks.afterCheckpointUpload(runId, CheckpointPublished.KIND_EPOCH, epoch);
            }
            double eta = secondsThisProcess / epochsThisProcess * (totalEpochs - epoch);
            stopIfFenced();
            publish(
                    Topics.TRAINING_PROGRESS,
                    runId,
                    corr,
                    new TrainingProgress(
                            runId,
                            epoch,
                            totalEpochs,
                            stats.trainLoss(),
                            stats.trainAccuracy(),
                            stats.valLoss(),
                            stats.valAccuracy(),
                            stats.learningRate(),
                            stats.imagesPerSecond(),
                            eta),
                    lease.token());
            handle.update(RunStatus.RUNNING, epoch, "training");
            publish(
                    Topics.TRAINING_STATE,
                    runId,
                    corr,
                    new RunState(runId, RunStatus.RUNNING, epoch, Instant.now(), null),
                    lease.token());
            LOG.info(String.format(
                    Locale.ROOT,
                    "run %s: epoch %d/%d train loss %.4f train acc %.2f%% val loss %.4f"
                            + " val acc %.2f%% lr %.4g %.0f img/s %.1f s%s, ETA %s",
                    runId,
                    epoch,
                    totalEpochs,
                    stats.trainLoss(),
                    100 * stats.trainAccuracy(),
                    stats.valLoss(),
                    100 * stats.valAccuracy(),
                    stats.learningRate(),
                    stats.imagesPerSecond(),
                    stats.seconds(),
                    stats.best() ? " (best)" : "",
                    duration(eta)));
        }
    }

    private Outcome finished(
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
        Uploaded up = upload(best, RunKeys.bestCheckpoint(runId), "best");
        publish(
                Topics.CHECKPOINTS,
                runId,
                corr,
                new CheckpointPublished(
                        runId,
                        result.bestEpoch(),
                        CheckpointPublished.KIND_BEST,
                        true,
                        up.key(),
                        up.sha256(),
                        up.bytes()),
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
        return Outcome.FINISHED;
    }

    private Outcome cancelled(
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
        return Outcome.CANCELLED;
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
        EventEnvelope envelope = EventEnvelope.of(stamped(terminal, lease.token()), corr);
        RunRecord record = new RunRecord(runId, status, spec, EventCodec.encode(envelope), false, Instant.now());
        store.putJson(RunKeys.record(runId), EventCodec.toJson(record));
        events.publish(Topics.TRAINING_STATE, runId, envelope);
        store.putJson(RunKeys.record(runId), EventCodec.toJson(record.published()));
    }

    /**
     * Remembers a cancel request for a run that may not be training yet (see {@link CancelMarker}); a later request
     * replaces an earlier one.
     */
    public void rememberCancel(String runId, Instant requestedAt, String reason) {
        if (!ObjectKeys.isValidId(runId) || requestedAt == null) {
            return;
        }
        Optional<CancelMarker> known = readCancel(runId);
        if (known.isPresent()
                && known.get().requestedAt() != null
                && known.get().requestedAt().isAfter(requestedAt)) {
            return;
        }
        store.putJson(RunKeys.cancelMarker(runId), EventCodec.toJson(new CancelMarker(runId, requestedAt, reason)));
    }

    private Optional<CancelMarker> readCancel(String runId) {
        String key = RunKeys.cancelMarker(runId);
        if (runId == null || !store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(
                EventCodec.fromJson(new String(store.getBytes(key), StandardCharsets.UTF_8), CancelMarker.class));
    }

    private Optional<RunRecord> readRecord(String runId) {
        String key = RunKeys.record(runId);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(
                EventCodec.fromJson(new String(store.getBytes(key), StandardCharsets.UTF_8), RunRecord.class));
    }

    private void finishDuplicate(RunRecord record) {
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
        events.publish(Topics.TRAINING_STATE, record.runId(), EventCodec.decode(record.terminalEvent()));
        store.putJson(RunKeys.record(record.runId()), EventCodec.toJson(record.published()));
    }

    /**
     * The consumer gave up on this request after its retry budget (an outage that outlasted it): publishes
     * training.failed with the reason, so the study is told instead of waiting; its checkpoints stay, and a retry of
     * the run resumes from them.
     */
    public void giveUp(TrainingRequested request, Correlation correlation, String reason) {
        String runId = request.runId();
        RunSpec spec = request.spec();
        Correlation corr = Correlation.ofRun(
                correlation == null ? request.studyId() : correlation.studyId(),
                runId,
                spec == null ? null : spec.datasetId());
        long token = registry.find(runId)
                .map(RunRegistry.RunHandle::fencingToken)
                .filter(t -> t > 0)
                .orElseGet(() -> tokenOutsideLease(runId));
        fail(runId, corr, reason, List.of(), "failed", token);
    }

    /**
     * The token for an event published without holding the run's lease (a rejected request, a give-up): the one in
     * the bucket now, so that readers do not take the event for a stale one; 0 if it cannot be read.
     */
    private long tokenOutsideLease(String runId) {
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

    private RejectedEventException fail(
            String runId, Correlation corr, String reason, List<FieldError> errors, String outcome, long token) {
        LOG.warnf("run %s: %s", runId, reason);
        metrics.outcome(outcome);
        publish(
                Topics.TRAINING_STATE,
                runId,
                corr,
                new TrainingFailed(runId == null ? "" : runId, reason, errors),
                token);
        return new RejectedEventException(reason);
    }

    /** Publishes the event stamped with the lease's fencing token (none when {@code token} is 0). */
    private void publish(String topic, String key, Correlation corr, Event event, long token) {
        events.publish(topic, key, EventEnvelope.of(stamped(event, token), corr));
    }

    private static Event stamped(Event event, long token) {
        return token > 0 && event instanceof Fenced fenced ? fenced.withFencingToken(token) : event;
    }

    private record Uploaded(String key, String sha256, long bytes) {}

    private Uploaded upload(Path file, String key, String kind) {
        long start = System.nanoTime();
        try {
            long bytes = Files.size(file);
            String sha = sha256(file);
            store.putFile(key, file, "application/zip");
            metrics.upload(kind, bytes, System.nanoTime() - start);
            return new Uploaded(key, sha, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read checkpoint for upload: " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
