package io.softcifar.ml.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.ImageTensors;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.nn.Bf16Convolution;
import io.softcifar.ml.nn.RunRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.commons.rng.simple.RandomSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training entry point (used by the CLI, the trainer service and the tests).
 *
 * <p>The whole train and validation sets are uploaded to the device once as uint8 tensors; each step gathers its
 * batch by index from a device-side permutation, augments it batched on the device ({@link Augmentation}), mixes it
 * ({@link BatchMixer}), and runs forward, backward and the Nesterov update. Every temporary array of a step lives in
 * a sub-manager closed at the end of the step, so memory stays flat across epochs.
 *
 * <p>Epoch checkpoints ({@code last.ckpt}) are written every {@link Options#checkpointEvery()} epochs and at the
 * end; the best-validation-loss model is kept in {@code best.ckpt}. If {@code last.ckpt} exists in the output folder
 * and {@link Options#resume()} is on, the run continues after its last completed epoch, with the same result as an
 * uninterrupted run (see {@link Checkpoint} for why the RNG state is just (seed, epoch)).
 *
 * <p>This class keeps the order of a run and of an epoch's steps; the validation pass is {@link ValidationPass},
 * writing and resuming checkpoints is {@link RunCheckpoints}, one optimizer step is {@link TrainStep}.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String LAST = "last.ckpt";
    public static final String BEST = "best.ckpt";

    /**
     * How to run (not what to compute: that is {@link TrainConfig}).
     *
     * @param outDir folder for {@code last.ckpt} and {@code best.ckpt}
     * @param device cpu, gpu or auto
     * @param checkpointEvery write {@code last.ckpt} every this many epochs (and after the last one)
     * @param resume continue from {@code outDir/last.ckpt} when it exists
     * @param stopAfterEpochs stop this process after this many epochs (0 = no limit); for tests of interruption
     * @param cancelled polled after every step; true stops the run (checkpoints are kept)
     * @param fencingToken written into every checkpoint header when positive (trainer-service's lease token)
     */
    public record Options(
            Path outDir,
            String device,
            int checkpointEvery,
            boolean resume,
            int stopAfterEpochs,
            BooleanSupplier cancelled,
            long fencingToken) {

        public Options(
                Path outDir,
                String device,
                int checkpointEvery,
                boolean resume,
                int stopAfterEpochs,
                BooleanSupplier cancelled) {
            this(outDir, device, checkpointEvery, resume, stopAfterEpochs, cancelled, 0L);
        }

        public Options withFencingToken(long token) {
            return new Options(outDir, device, checkpointEvery, resume, stopAfterEpochs, cancelled, token);
        }

        public Options {
            if (outDir == null) {
                throw new IllegalArgumentException("out: an output folder is required");
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpoint-every: must be >= 1, got " + checkpointEvery);
            }
            cancelled = cancelled == null ? () -> false : cancelled;
        }

        public static Options defaults(Path outDir) {
            return new Options(outDir, "cpu", 1, true, 0, null);
        }

        public Options withDevice(String d) {
            return new Options(outDir, d, checkpointEvery, resume, stopAfterEpochs, cancelled, fencingToken);
        }

        public Options withStopAfterEpochs(int n) {
            return new Options(outDir, device, checkpointEvery, resume, n, cancelled, fencingToken);
        }

        public Options withResume(boolean r) {
            return new Options(outDir, device, checkpointEvery, r, stopAfterEpochs, cancelled, fencingToken);
        }

        public Options withCheckpointEvery(int n) {
            return new Options(outDir, device, n, resume, stopAfterEpochs, cancelled, fencingToken);
        }

        public Options withCancel(BooleanSupplier c) {
            return new Options(outDir, device, checkpointEvery, resume, stopAfterEpochs, c, fencingToken);
        }
    }

    private Trainer() {}

    public static TrainResult train(TrainConfig config, TrainingData data, Options options, TrainingListener listener) {
        EngineSetup.engine();
        Device device = DeviceSelection.resolve(options.device());
        listener = listener == null ? TrainingListener.NONE : listener;
        try (NDManager root = NDManager.newBaseManager(device)) {
            return new Run(config, data, options, listener, root).execute();
        }
    }

    /** State of one run inside its root manager. */
    private static final class Run {
        private final TrainConfig config;
        private final TrainingData data;
        private final Options options;
        private final TrainingListener listener;
        private final NDManager root;
        private final CifarNet net;
        private final NesterovSgd optimizer;
        private final Augmentation augmentation;
        private final TrainStep trainStep;
        private final NDArray trainX;
        private final NDArray trainY;
        private final ValidationPass validation;
        private final RunCheckpoints checkpoints;
        private final int stepsPerEpoch;
        private final LearningRateSchedule schedule;
        private final List<EpochStats> history = new ArrayList<>();
        private double bestValLoss = Double.POSITIVE_INFINITY;
        private int bestEpoch;
        private double bestValAccuracy;

        Run(TrainConfig config, TrainingData data, Options options, TrainingListener listener, NDManager root) {
            this.config = config;
            this.data = data;
            this.options = options;
            this.listener = listener;
            this.root = root;
            try (RunRandom initialization = RunRandom.open(config.seed(), EngineSetup::seed)) {
                // one draw: every initial weight from the run's seed, with no other run's draws in between
                net = RunRandom.draw(() -> new CifarNet(root, config.model(), config.seed()));
            }
            if (config.precision() == Precision.BF16) {
                // training and its validation passes; the module is closed with root
                net.computeConvolutionsIn(Precision.BF16, new Bf16Convolution(root));
            }
            optimizer = new NesterovSgd(
                    net.namedParameters(), root, config.momentum(), config.weightDecay(), config.nesterov());
            augmentation = new Augmentation(root, data.mean(), data.std());
            trainStep = new TrainStep(net, optimizer, augmentation, config.augment());
            trainX = ImageTensors.upload(root, data.trainImages());
            trainY = root.create(data.trainTargets(), new Shape(data.trainSize(), data.classes()));
            validation = new ValidationPass(root, net, augmentation, data);
            checkpoints = new RunCheckpoints(config, data, options, root, net, optimizer);
            int n = data.trainSize();
            stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
            schedule = LearningRateSchedule.of(config, stepsPerEpoch);
        }

        TrainResult execute() {
            Path last = options.outDir().resolve(LAST);
            int startEpoch = 0;
            if (options.resume() && Files.exists(last)) {
                startEpoch = resume(last);
            }
            int epochsThisRun = 0;
            double throughputSum = 0;
            boolean cancelled = false;
            for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
                long start = System.nanoTime();
                EpochOutcome outcome = trainEpoch(epoch);
                if (outcome.cancelled()) {
                    cancelled = true;
                    LOG.info("run cancelled during epoch {}; checkpoints kept in {}", epoch + 1, options.outDir());
                    break;
                }
                if (!Double.isFinite(outcome.meanLoss())) {
                    throw new TrainingDivergedException(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "training diverged: the mean training loss of epoch %d is %s (learning rate %s); %s",
                                    epoch + 1,
                                    outcome.meanLoss(),
                                    config.learningRate(),
                                    epoch == 0
                                            ? "no checkpoint was written"
                                            : "the checkpoints written before it stay in " + options.outDir()),
                            epoch + 1);
                }
                ValidationPass.Result val = outcome.validation();
                boolean improved = val.loss() < bestValLoss;
                if (improved) {
                    bestValLoss = val.loss();
                    bestEpoch = epoch + 1;
                    bestValAccuracy = val.accuracy();
                }
                double lr = schedule.rate(epoch, stepsPerEpoch - 1);
                double seconds = (System.nanoTime() - start) / 1e9;
                EpochStats stats = new EpochStats(
                        epoch + 1,
                        outcome.meanLoss(),
                        outcome.accuracy(),
                        val.loss(),
                        val.accuracy(),
                        lr,
                        outcome.imagesPerSecond(),
                        seconds,
                        improved);
                history.add(stats);
                if (improved) {
                    write(options.outDir().resolve(BEST), Checkpoint.Kind.BEST, epoch + 1, false);
                }
                boolean lastEpoch = epoch + 1 == config.epochs();
                epochsThisRun++;
                boolean stopping = options.stopAfterEpochs() > 0 && epochsThisRun >= options.stopAfterEpochs();
                if ((epoch + 1) % options.checkpointEvery() == 0 || lastEpoch || stopping) {
                    write(last, Checkpoint.Kind.EPOCH, epoch + 1, true);
                }
                throughputSum += outcome.imagesPerSecond();
                listener.onEpoch(stats, config.epochs());
                listener.onLiveArrays(epoch + 1, root.getManagedArrays().size());
                if (stopping && !lastEpoch) {
                    break;
                }
            }
            int done = history.isEmpty()
                    ? startEpoch
                    : history.get(history.size() - 1).epoch();
            return new TrainResult(
                    net.parameterCount(),
                    done,
                    bestEpoch,
                    bestValLoss,
                    bestValAccuracy,
                    epochsThisRun == 0 ? 0 : throughputSum / epochsThisRun,
                    startEpoch,
                    cancelled,
                    options.outDir().resolve(BEST),
                    last,
                    List.copyOf(history));
        }

        private int resume(Path last) {
            RunCheckpoints.Resumed resumed = checkpoints.resume(last);
            history.addAll(resumed.history());
            bestValLoss = resumed.bestValLoss();
            bestEpoch = resumed.bestEpoch();
            bestValAccuracy = resumed.bestValAccuracy();
            return resumed.epochsCompleted();
        }

        private void write(Path file, Checkpoint.Kind kind, int epochsCompleted, boolean withOptimizer) {
            checkpoints.write(file, kind, epochsCompleted, withOptimizer, bestValLoss, bestEpoch, history);
        }

        /** An epoch's training figures, and its validation when it ended normally (else null). */
        private record EpochOutcome(
                double meanLoss,
                double accuracy,
                double imagesPerSecond,
                boolean cancelled,
                ValidationPass.Result validation) {

            EpochOutcome validated(ValidationPass.Result result) {
                return new EpochOutcome(meanLoss, accuracy, imagesPerSecond, cancelled, result);
            }
        }

        /** Trains and validates epoch {@code epoch}: every PyTorch draw of both from the epoch's own stream. */
        private EpochOutcome trainEpoch(int epoch) {
            long epochSeed = EngineSetup.mix(config.seed() * 1_000_003L + epoch);
            try (RunRandom draws = RunRandom.open(epochSeed, EngineSetup::seed)) {
                EpochOutcome trained = trainEpoch(epoch, epochSeed);
                if (trained.cancelled() || !Double.isFinite(trained.meanLoss())) {
                    return trained;
                }
                net.endEpoch();
                return trained.validated(validation.run()); // MC Dropout's validation draws masks
            }
        }

        /** One epoch, its PyTorch draws (shuffle, augmentation, dropout) from the epoch's stream. */
        private EpochOutcome trainEpoch(int epoch, long epochSeed) {
            BatchMixer mixer = new BatchMixer(config.mixing(), RandomSource.SPLIT_MIX_64.create(epochSeed));
            net.startEpoch();
            int n = data.trainSize();
            int batch = config.batchSize();
            long images = 0;
            long start = System.nanoTime();
            try (NDManager epochManager = root.newSubManager()) {
                NDArray order = RunRandom.draw(() -> epochManager.randomPermutation(n));
                NDArray lossSum = epochManager.zeros(new Shape(1));
                NDArray correctSum = epochManager.zeros(new Shape(1));
                int steps = 0;
                for (int step = 0; step < stepsPerEpoch; step++) {
                    int from = step * batch;
                    int to = Math.min(n, from + batch);
                    if (to - from < 2) {
                        continue; // BatchNorm cannot normalize a batch of one
                    }
                    try (NDManager sm = epochManager.newSubManager()) {
                        NDArray idx = scoped(order.get(new NDIndex(from + ":" + to)), sm);
                        NDArray xb = scoped(trainX.get(idx), sm);
                        NDArray yb = scoped(trainY.get(idx), sm);
                        TrainStep.Outcome stepOutcome = trainStep.run(sm, xb, yb, mixer, schedule.rate(epoch, step));
                        lossSum.addi(stepOutcome.loss());
                        correctSum.addi(stepOutcome.correct());
                    }
                    steps++;
                    images += to - from;
                    listener.onStep(epoch + 1, step + 1, stepsPerEpoch);
                    if (options.cancelled().getAsBoolean()) {
                        return new EpochOutcome(Double.NaN, Double.NaN, 0, true, null);
                    }
                }
                double meanLoss = lossSum.getFloat(0) / Math.max(1, steps);
                double accuracy = correctSum.getFloat(0) / Math.max(1, images);
                double seconds = (System.nanoTime() - start) / 1e9;
                return new EpochOutcome(meanLoss, accuracy, images / seconds, false, null);
            }
        }
    }

    /** {@code a}, attached to the step's manager so it is freed with the step. */
    static NDArray scoped(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }
}
