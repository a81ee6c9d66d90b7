package io.softcifar.cli;

import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.EpochStats;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.Mixing;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import io.softcifar.ml.train.TrainingListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        sortOptions = false,
        description = {
            "Train one model on a CIFAR-10H folder (test_batch.bin + cifar10h-probs.npy) with the seeded"
                    + " 80/5/15 split. Defaults are the protocol's (PROTOCOL.md). Checkpoints go to --out: last.ckpt"
                    + " (resume point) and best.ckpt (lowest validation loss). Re-running with the same --out resumes."
        })
final class TrainCommand implements Callable<Integer> {

    /** α = 0.2 and q = 0.15, the reference's Mixup/CutMix settings (PROTOCOL.md "Training"). */
    static final String REFERENCE_MIX = "0.2:0.15";

    @Option(names = "--data", required = true, paramLabel = "DIR")
    Path data;

    @Option(names = "--method", required = true)
    String method;

    @Option(names = "--labels", required = true)
    String labels;

    @Option(names = "--mixup", paramLabel = "α:q", arity = "0..1", fallbackValue = REFERENCE_MIX)
    String mixup;

    @Option(names = "--cutmix", paramLabel = "α:q", arity = "0..1", fallbackValue = REFERENCE_MIX)
    String cutmix;

    @Option(names = "--dropout", defaultValue = "0.1")
    double dropout;

    @Option(names = "--gp-formulation", defaultValue = "reference")
    String gpFormulation;

    @Option(names = "--depth", defaultValue = "20")
    int depth;

    @Option(names = "--epochs", defaultValue = "230")
    int epochs;

    @Option(names = "--limit", defaultValue = "0")
    int limit;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "DIR")
    Path out;

    @Option(names = "--lr", defaultValue = "0.05")
    double lr;

    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;

    @Option(names = "--weight-decay", defaultValue = "5e-4")
    double weightDecay;

    @Option(names = "--nesterov")
    boolean nesterov;

    @Option(names = "--warmup", defaultValue = "5")
    int warmup;

    @Option(names = "--entropy-threshold", defaultValue = "0")
    double entropyThreshold;

    @Option(names = "--no-augment")
    boolean noAugment;

    @Option(names = "--checkpoint-every", defaultValue = "1")
    int checkpointEvery;

    @Option(names = "--fresh")
    boolean fresh;

    @Option(names = "--json")
    boolean json;

    @Mixin
    PrecisionOption precision;

    @Override
    public Integer call() {
        TrainConfig config = config();
        io.softcifar.ml.train.DeviceSelection.resolve(
                device.device); // fail before any work when the device is unusable
        Path outDir = out != null
                ? out
                : Path.of(
                        "runs",
                        config.model().method().id() + "-" + config.labels().id() + "-seed" + seed);
        SoftLabelDataset dataset = Cifar10hFolder.load(data);
        Split split = Splits.seeded(dataset.size(), seed);
        TrainingData prepared = TrainingData.of(dataset, split, config);
        ProgressBar bar = new ProgressBar(System.err);
        bar.line(String.format(
                Locale.ROOT,
                "training %s on %d images (val %d), %d epochs, device %s → %s",
                config,
                prepared.trainSize(),
                prepared.valImages().count(),
                config.epochs(),
                device.device,
                outDir));
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps) {
                bar.step(String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs()), step, steps, null);
            }

            @Override
            public void onEpoch(EpochStats s, int total) {
                bar.line(String.format(
                        Locale.ROOT,
                        "epoch %d/%d  train loss %.4f  train acc %.2f%%  val loss %.4f  val acc %.2f%%  lr %.4g"
                                + "  %.0f img/s  %.1fs%s",
                        s.epoch(),
                        total,
                        s.trainLoss(),
                        100 * s.trainAccuracy(),
                        s.valLoss(),
                        100 * s.valAccuracy(),
                        s.learningRate(),
                        s.imagesPerSecond(),
                        s.seconds(),
                        s.best() ? "  *best" : ""));
            }
        };
        Trainer.Options options = new Trainer.Options(outDir, device.device, checkpointEvery, !fresh, 0, null);
        TrainResult result = Trainer.train(config, prepared, options, listener);
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("method", config.model().method().id());
            summary.put("labels", config.labels().id());
            summary.put("parameters", result.parameters());
            summary.put("epochs_run", result.epochsRun());
            summary.put("resumed_from_epoch", result.resumedFromEpoch());
            summary.put("best_epoch", result.bestEpoch());
            summary.put("best_val_loss", result.bestValLoss());
            summary.put("val_accuracy", result.bestValAccuracy());
            summary.put("images_per_second", result.imagesPerSecond());
            summary.put("best_checkpoint", result.bestCheckpoint().toString());
            summary.put("last_checkpoint", result.lastCheckpoint().toString());
            summary.put("config", config);
            System.out.println(Json.write(summary));
        } else {
            bar.line(String.format(
                    Locale.ROOT,
                    "done: best val loss %.4f at epoch %d (val acc %.2f%%), %.0f img/s; %s",
                    result.bestValLoss(),
                    result.bestEpoch(),
                    100 * result.bestValAccuracy(),
                    result.imagesPerSecond(),
                    result.bestCheckpoint()));
        }
        return 0;
    }

    TrainConfig config() {
        if (mixup != null && cutmix != null) {
            throw new IllegalArgumentException("--mixup and --cutmix: choose one (they are never combined in a run)");
        }
        Method m = Method.parse(method);
        // --dropout and --gp-formulation change only the method they belong to (ModelConfig's with* leave the others)
        ModelConfig model = ModelConfig.defaults(m)
                .withDepth(depth)
                .withDropoutRate(dropout)
                .withGpFormulation(io.softcifar.ml.model.GpFormulation.parse(gpFormulation));
        Mixing mixing = mixup != null
                ? Mixing.parse(Mixing.Kind.MIXUP, mixup)
                : cutmix != null ? Mixing.parse(Mixing.Kind.CUTMIX, cutmix) : Mixing.NONE;
        return new TrainConfig(
                model,
                LabelMode.parse(labels),
                mixing,
                entropyThreshold,
                !noAugment,
                epochs,
                batchSize,
                lr,
                0.9,
                nesterov,
                weightDecay,
                warmup,
                TrainConfig.PROTOCOL_MILESTONES,
                0.5,
                seed,
                limit,
                precision.value());
    }
}
