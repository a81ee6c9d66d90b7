package io.softcifar.ml.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.SngpConfig;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.CheckpointRestore;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.ml.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one evaluation entry point (used by {@code ./softcifar evaluate}, the benchmark and the evaluator service):
 * a checkpoint + its data → every metric of PROTOCOL.md, "Metrics", in one {@link EvaluationResult}.
 *
 * <h2>What is evaluated</h2>
 * <ul>
 *   <li><b>Test split</b>: {@code Splits.seeded(data.size(), seed).test()} with the seed of the checkpoint's
 *       {@link TrainConfig} — the same split the model was trained with; hard labels = argmax of the soft label.
 *       Images are normalized with the mean/std stored in the checkpoint (the train split's statistics). If this
 *       data's train split has other statistics, a note says so (wrong {@code --data} folder?).
 *   <li><b>OOD sets</b> (names {@code svhn}, {@code cifar100}, see {@link OodSets}): a seeded random subset of the size
 *       of the test split, {@code Splits.randomSubset(count, testSize, seed)}, normalized with the same statistics.
 *       A set with fewer images than the test split is used whole, and a note says so (AUROC and AUPR are defined for
 *       unequal sizes; AUPR's baseline then shifts).
 *   <li><b>Predictions</b>: {@link CifarNet#predict(NDArray, int)} in batches, without gradient: basic = softmax;
 *       MC Dropout = mean of S softmax passes (S = {@link EvaluationOptions#mcSamples()}, BatchNorm in inference
 *       mode, dropout on); SNGP = mean-field softmax(logits / √(1 + π/8·variance)), and on request also the
 *       Monte-Carlo distribution ({@code test_mc/*}: mean softmax over the logit draws) and the reference's
 *       Monte-Carlo prediction ({@code test_mc_logits/*}: softmax of the mean of the same drawn logits); DUQ = the
 *       class-normalized kernels Kₖ / Σⱼ Kⱼ, its native OOD score the max kernel value.
 *   <li><b>Reference variants</b> ({@code test_ref/*}, {@code ood/<set>_auroc_ref_max_prob}): the reference code's
 *       predictive distribution where it differs from ours, from the same passes: MC Dropout = softmax of the mean
 *       logits; DUQ = softmax of sigmoid(ln(Kₖ / Σⱼ Kⱼ)) (the softmax of its DUQ "logits" — which is why the
 *       reference's DUQ ECE is about 0.69).
 *   <li><b>OOD scores</b> (in-distribution = positive class, higher = more in-distribution, ties ½): max logit
 *       ({@code ood/<set>_auroc}, {@code _aupr}), max probability ({@code _auroc_max_prob}, {@code _aupr_max_prob})
 *       and the method's native score ({@code _auroc_native}, {@code _aupr_native}: max probability for basic and MC
 *       Dropout, −predictive variance for SNGP, max kernel value for DUQ; DUQ's logits are ln(Kₖ / Σⱼ Kⱼ), so its
 *       max-logit and max-probability scores rank alike but differ from the native max kernel). With SNGP Monte
 *       Carlo also {@code _auroc_mc_max_prob} and {@code _auroc_mc_logits_max_logit} (max of the mean drawn logits,
 *       the reference's score).
 *   <li><b>FGSM</b> ({@link Fgsm}): every test point classified correctly by the clean prediction is attacked in pixel
 *       space — pixels = uint8 / 255 of the test image, s = predict(normalize(pixels)).predictiveLogits() with gradient,
 *       loss = cross-entropy of softmax(s) at the true class computed from s (never the log of a probability),
 *       x' = clip(pixels + ε·sign ∇, 0, 1), then predict(normalize(x')) without
 *       gradient; {@code fgsm/<ε>_decrease} = fraction of the attacked points now wrong. One gradient per image serves
 *       every ε. For MC Dropout both the attacked loss and the re-prediction use S passes (so even ε = 0 can flip a
 *       point by sampling noise); for the deterministic methods ε = 0 gives exactly 0.
 * </ul>
 * The PyTorch generator is seeded from the run seed before the first prediction, so MC Dropout and SNGP Monte-Carlo
 * results repeat on the same device.
 *
 * <p>Non-finite model output (a diverged checkpoint) is an error naming the checkpoint and the first bad image.
 */
public final class Evaluator {

    /** Images per FGSM batch for one-pass methods; divided by S for MC Dropout (autograd keeps all S passes). */
    public static final int FGSM_BATCH = 128;

    /** Progress callbacks ({@code done} of {@code total} images of a phase). */
    public interface Listener {
        Listener NONE = (phase, done, total) -> {};

        void progress(String phase, int done, int total);
    }

    private Evaluator() {}

    /** {@link #evaluate(Path, SoftLabelDataset, Map, EvaluationOptions, Listener)} without progress. */
    public static EvaluationResult evaluate(
            Path checkpoint, SoftLabelDataset data, Map<String, LabeledImages> ood, EvaluationOptions options) {
        return evaluate(checkpoint, data, ood, options, Listener.NONE);
    }

    /**
     * Reads the checkpoint and evaluates it.
     *
     * @param checkpoint a {@code best.ckpt} / {@code last.ckpt} written by the trainer
     * @param data the dataset the model was trained on (the CIFAR-10H folder)
     * @param ood OOD set name ({@code svhn}, {@code cifar100}) → images; may be empty
     * @throws IllegalArgumentException naming the checkpoint if it is missing, not a checkpoint, or of another
     *     architecture than its header says; naming the field for a bad option or OOD name
     * @throws InvalidDataException if the data do not fit the checkpoint
     */
    public static EvaluationResult evaluate(
            Path checkpoint,
            SoftLabelDataset data,
            Map<String, LabeledImages> ood,
            EvaluationOptions options,
            Listener listener) {
        EngineSetup.engine();
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            return evaluate(Checkpoint.read(checkpoint, cpu), data, ood, options, listener);
        }
    }

    /** Evaluates an already loaded checkpoint; see {@link #evaluate(Path, SoftLabelDataset, Map, EvaluationOptions, Listener)}. */
    public static EvaluationResult evaluate(
            Checkpoint.Loaded loaded,
            SoftLabelDataset data,
            Map<String, LabeledImages> ood,
            EvaluationOptions options,
            Listener listener) {
        long start = System.nanoTime();
        Checkpoint.Header header = loaded.header();
        TrainConfig config = header.config();
        ModelConfig model = config.model();
        long seed = config.seed();
        String source = loaded.file().toString();
        List<String> notes = new ArrayList<>();
        if (data.numClasses() != model.classes()) {
            throw new InvalidDataException("data: " + data.numClasses() + " classes, but " + source
                    + " holds a model of " + model.classes() + " classes");
        }
        requireStats(source, "mean", header.mean());
        requireStats(source, "std", header.std());
        Split split = Splits.seeded(data.size(), seed);
        checkNormalization(data, split, config, header, notes);
        int[] testIdx = split.test();
        Inputs inputs = new Inputs(
                data.images().subset(testIdx),
                testIdx,
                pick(data.hardLabels(), testIdx),
                data.softLabels().subset(testIdx).toArray(),
                oodSubsets(ood, testIdx.length, seed, notes));
        return restoreAndRun(loaded, source, testIdx.length, inputs, options, listener, notes, start);
    }

    /**
     * Builds the checkpoint's model on the device {@code options} chooses, restores its weights and evaluates
     * {@code inputs} ({@code testCount} test images); shared by this class and {@link ShardEvaluator}.
     */
    static EvaluationResult restoreAndRun(
            Checkpoint.Loaded loaded,
            String source,
            int testCount,
            Inputs inputs,
            EvaluationOptions options,
            Listener listener,
            List<String> notes,
            long start) {
        Checkpoint.Header header = loaded.header();
        TrainConfig config = header.config();
        ModelConfig model = config.model();
        long seed = config.seed();
        EngineSetup.engine();
        Device device = DeviceSelection.resolve(options.device());
        try (NDManager root = NDManager.newBaseManager(device)) {
            EngineSetup.seed(seed);
            CifarNet net = new CifarNet(root, model, seed);
            CheckpointRestore.model(loaded, net);
            EvaluationResult.Info info = new EvaluationResult.Info(
                    source,
                    model.method().id(),
                    model.depth(),
                    config.labels().id(),
                    seed,
                    header.epochsCompleted(),
                    header.bestEpoch(),
                    model.classes(),
                    testCount,
                    passes(model, options),
                    sngpSamples(model, options, notes),
                    deviceName(device));
            return run(net, root, header.mean(), header.std(), info, inputs, options, listener, notes, start);
        }
    }

    /** The test images with their labels and the OOD subsets, ready to evaluate. */
    record Inputs(
            LabeledImages testImages,
            int[] testIndices,
            int[] testLabels,
            double[][] testSoftLabels,
            Map<String, OodSubset> ood) {}

    /** An OOD set's evaluated subset: {@code images} are the images at {@code indices} of the file. */
    record OodSubset(String name, int available, int[] indices, LabeledImages images) {}

    /** "cpu" or "gpu:0". */
    static String deviceName(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
    }

    static int passes(ModelConfig model, EvaluationOptions options) {
        return model.methodConfig().predictionPasses(options.mcSamples());
    }

    static int sngpSamples(ModelConfig model, EvaluationOptions options, List<String> notes) {
        if (options.sngpMcSamples() > 0 && !(model.methodConfig() instanceof SngpConfig)) {
            notes.add(
                    "sngp-mc ignored: the checkpoint holds a " + model.method().id() + " model, not SNGP");
            return 0;
        }
        return options.sngpMcSamples();
    }

    static void requireStats(String source, String field, float[] values) {
        if (values == null || values.length != LabeledImages.CHANNELS) {
            throw new IllegalArgumentException(source + ": normalization " + field + " must hold 3 values");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (field.equals("std") && !(v > 0))) {
                throw new IllegalArgumentException(
                        source + ": normalization " + field + " " + Arrays.toString(values) + " is invalid");
            }
        }
    }

    /** Notes a mismatch between the checkpoint's normalization and this data's train-split statistics. */
    private static void checkNormalization(
            SoftLabelDataset data, Split split, TrainConfig config, Checkpoint.Header header, List<String> notes) {
        int[] train = config.limit() > 0 ? split.limitTrain(config.limit()).train() : split.train();
        ChannelStats stats = ChannelStats.of(data.images(), train);
        float[] mean = stats.meanAsFloats();
        float[] std = stats.stdAsFloats();
        for (int c = 0; c < LabeledImages.CHANNELS; c++) {
            if (Math.abs(mean[c] - header.mean()[c]) > 1e-4 || Math.abs(std[c] - header.std()[c]) > 1e-4) {
                notes.add(String.format(
                        Locale.ROOT,
                        "the train split of this data has mean %s / std %s but the"
                                + " checkpoint was normalized with %s / %s: is --data the folder the model was trained on?",
                        Arrays.toString(mean),
                        Arrays.toString(std),
                        Arrays.toString(header.mean()),
                        Arrays.toString(header.std())));
                return;
            }
        }
    }

    static Map<String, OodSubset> oodSubsets(
            Map<String, LabeledImages> ood, int testSize, long seed, List<String> notes) {
        Map<String, OodSubset> out = new LinkedHashMap<>();
        if (ood == null) {
            return out;
        }
        for (Map.Entry<String, LabeledImages> e : ood.entrySet()) {
            String name = OodSets.requireKnown(e.getKey());
            LabeledImages images = e.getValue();
            if (images == null || images.count() == 0) {
                throw new InvalidDataException("ood: the " + name + " set holds no images");
            }
            int k = Math.min(testSize, images.count());
            if (k < testSize) {
                notes.add("ood " + name + ": only " + images.count() + " images, fewer than the " + testSize
                        + " test images; all of them are used");
            }
            int[] idx = Splits.randomSubset(images.count(), k, seed);
            if (out.put(name, new OodSubset(name, images.count(), idx, images.subset(idx))) != null) {
                throw new IllegalArgumentException("ood: " + name + " is given twice");
            }
        }
        return out;
    }

    private static int[] pick(int[] values, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /** Runs the evaluation of {@code net} (already restored) on prepared inputs. */
    static EvaluationResult run(
            CifarNet net,
            NDManager root,
            float[] mean,
            float[] std,
            EvaluationResult.Info info,
            Inputs inputs,
            EvaluationOptions options,
            Listener listener,
            List<String> notes,
            long startNanos) {
        return new EvaluationRun(net, root, mean, std, info, options, listener).execute(inputs, notes, startNanos);
    }
}
