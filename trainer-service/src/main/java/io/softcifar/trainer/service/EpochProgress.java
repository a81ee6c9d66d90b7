package io.softcifar.trainer.service;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.RunState;
import io.softcifar.contracts.events.RunStatus;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.EpochStats;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Per-epoch uploads and events of one run, on the training thread: {@code best.ckpt} when the epoch improved the
 * validation loss, then {@code last.ckpt} when the trainer wrote it, then progress and the RUNNING state. Stops the
 * run when its lease was taken over, and picks up a cancel marker the broadcast listener missed.
 */
final class EpochProgress implements TrainingListener {

    /** The executor's category, so that the log lines of a run stay under one name. */
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final String runId;
    private final Correlation corr;
    private final RunRegistry.RunHandle handle;
    private final Path checkpoints;
    private final Instant requestedAt;
    private final RunLeases.Held lease;
    private final RunPublisher publisher;
    private final CancelMarkers cancels;
    private final TrainerMetrics metrics;
    private final RunExecutor.Hooks hooks;
    private double secondsThisProcess;
    private int epochsThisProcess;

    EpochProgress(
            String runId,
            Correlation corr,
            RunRegistry.RunHandle handle,
            Path checkpoints,
            Instant requestedAt,
            RunLeases.Held lease,
            RunPublisher publisher,
            CancelMarkers cancels,
            TrainerMetrics metrics,
            RunExecutor.Hooks hooks) {
        this.lease = lease;
        this.runId = runId;
        this.corr = corr;
        this.handle = handle;
        this.checkpoints = checkpoints;
        this.requestedAt = requestedAt;
        this.publisher = publisher;
        this.cancels = cancels;
        this.metrics = metrics;
        this.hooks = hooks;
    }

    /**
     * A cancel this replica's broadcast listener missed (it started after the cancel was published, and the durable
     * cancel listener of another replica wrote the marker) still stops the run at the next epoch.
     */
    private void checkCancelMarker() {
        if (handle.isCancelled()) {
            return;
        }
        try {
            cancels.supersedingRequest(runId, requestedAt)
                    .ifPresent(c -> handle.requestCancel(CancelMarkers.reasonOf(c)));
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

    /** Steps between two samples of the process's resident memory (a read of /proc/self/status, ~20 µs). */
    static final int MEMORY_SAMPLE_STEPS = 20;

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch) {
        if (step % MEMORY_SAMPLE_STEPS == 0) {
            handle.sampleMemory();
        }
        if (handle.stepped() && requestedAt != null) { // no request time: an event from an older producer
            Duration sinceRequest = Duration.between(requestedAt, handle.firstStepAt());
            metrics.firstStep(sinceRequest);
            LOG.infof("run %s: first step %.2f s after the request", runId, sinceRequest.toMillis() / 1e3);
        }
    }

    @Override
    public void onEpoch(EpochStats stats, int totalEpochs) {
        if (!lease.verify()) { // taken over: not one more checkpoint or event from here
            throw new FencedOut(runId);
        }
        checkCancelMarker();
        metrics.epoch(stats.seconds());
        handle.sampleMemory();
        handle.throughput(stats.imagesPerSecond());
        secondsThisProcess += stats.seconds();
        epochsThisProcess++;
        int epoch = stats.epoch();
        if (stats.best()) {
            stopIfFenced();
            publisher.checkpoint(
                    runId,
                    corr,
                    checkpoints.resolve(Trainer.BEST),
                    RunKeys.bestCheckpoint(runId),
                    CheckpointPublished.KIND_BEST,
                    epoch,
                    false,
                    lease.token());
            hooks.afterCheckpointUpload(runId, CheckpointPublished.KIND_BEST, epoch);
        }
        Path last = checkpoints.resolve(Trainer.LAST);
        if (Files.exists(last) && Checkpoint.readHeader(last).epochsCompleted() == epoch) {
            stopIfFenced();
            publisher.checkpoint(
                    runId,
                    corr,
                    last,
                    RunKeys.lastCheckpoint(runId),
                    CheckpointPublished.KIND_EPOCH,
                    epoch,
                    false,
                    lease.token());
            hooks.afterCheckpointUpload(runId, CheckpointPublished.KIND_EPOCH, epoch);
        }
        double eta = secondsThisProcess / epochsThisProcess * (totalEpochs - epoch);
        stopIfFenced();
        publisher.publish(
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
                        eta,
                        null),
                lease.token());
        handle.update(RunStatus.RUNNING, epoch, "training");
        publisher.publish(
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

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
