package io.softcifar.ml.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.metrics.ClassifierEvaluation;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.metrics.MetricSet;
import io.softcifar.ml.metrics.OodMetrics;
import io.softcifar.ml.metrics.RobustnessMetrics;
import io.softcifar.ml.metrics.Scores;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.SngpConfig;
import io.softcifar.ml.model.sngp.SngpHead;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.Augmentation;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.ml.train.TrainConfig;
import java.nio.ByteBuffer;
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
    /** Added to the run seed before seeding PyTorch for the stochastic predictions. */
    private static final long PREDICTION_SEED_SALT = 0x5EED_E7A1L;

    /** Progress callbacks ({@code done} of {@code total} images of a phase). */
    public interface Listener {
        Listener NONE = (phase, done, total) -> {};

        void progress(String phase, int done, int total);
    }

    private Evaluator() {}

    /** {@link #evaluate(Path, SoftLabelDataset, Map, EvaluationOptions, Listener)} without progress. */
    public static EvaluationResult evaluate(Path checkpoint, SoftLabelDataset data, Map<String, LabeledImages> ood,
            EvaluationOptions options) {
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
    public static EvaluationResult evaluate(Path checkpoint, SoftLabelDataset data, Map<String, LabeledImages> ood,
            EvaluationOptions options, Listener listener) {
        EngineSetup.engine();
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            return evaluate(Checkpoint.read(checkpoint, cpu), data, ood, options, listener);
        }
    }

    /** Evaluates an already loaded checkpoint; see {@link #evaluate(Path, SoftLabelDataset, Map, EvaluationOptions, Listener)}. */
    public static EvaluationResult evaluate(Checkpoint.Loaded loaded, SoftLabelDataset data,
            Map<String, LabeledImages> ood, EvaluationOptions options, Listener listener) {
        long start = System.nanoTime();
        Checkpoint.Header header = loaded.header();
        TrainConfig config = header.config();
        ModelConfig model = config.model();
        long seed = config.seed();
        String source = loaded.file().toString();
        List<String> notes = new ArrayList<>();
        if (data.numClasses() != model.classes()) {
            throw new InvalidDataException("data: " + data.numClasses() + " classes, but " + source + " holds a model of "
                    + model.classes() + " classes");
        }
        requireStats(source, "mean", header.mean());
        requireStats(source, "std", header.std());
        Split split = Splits.seeded(data.size(), seed);
        checkNormalization(data, split, config, header, notes);
        int[] testIdx = split.test();
        Inputs inputs = new Inputs(data.images().subset(testIdx), testIdx, pick(data.hardLabels(), testIdx),
                data.softLabels().subset(testIdx).toArray(), oodSubsets(ood, testIdx.length, seed, notes));
        Device device = DeviceSelection.resolve(options.device());
        try (NDManager root = NDManager.newBaseManager(device)) {
            EngineSetup.seed(seed);
            CifarNet net = new CifarNet(root, model, seed);
            Checkpoint.restoreModel(loaded, net);
            EvaluationResult.Info info = new EvaluationResult.Info(source, model.method().id(), model.depth(),
                    config.labels().id(), seed, header.epochsCompleted(), header.bestEpoch(), model.classes(),
                    testIdx.length, passes(model, options), sngpSamples(model, options, notes), deviceName(device));
            return run(net, root, header.mean(), header.std(), info, inputs, options, listener, notes, start);
        }
    }

    /** The test images with their labels and the OOD subsets, ready to evaluate. */
    record Inputs(LabeledImages testImages, int[] testIndices, int[] testLabels, double[][] testSoftLabels,
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
            notes.add("sngp-mc ignored: the checkpoint holds a " + model.method().id() + " model, not SNGP");
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
                throw new IllegalArgumentException(source + ": normalization " + field + " " + Arrays.toString(values)
                        + " is invalid");
            }
        }
    }

    /** Notes a mismatch between the checkpoint's normalization and this data's train-split statistics. */
    private static void checkNormalization(SoftLabelDataset data, Split split, TrainConfig config,
            Checkpoint.Header header, List<String> notes) {
        int[] train = config.limit() > 0 ? split.limitTrain(config.limit()).train() : split.train();
        ChannelStats stats = ChannelStats.of(data.images(), train);
        float[] mean = stats.meanAsFloats();
        float[] std = stats.stdAsFloats();
        for (int c = 0; c < LabeledImages.CHANNELS; c++) {
            if (Math.abs(mean[c] - header.mean()[c]) > 1e-4 || Math.abs(std[c] - header.std()[c]) > 1e-4) {
                notes.add(String.format(Locale.ROOT, "the train split of this data has mean %s / std %s but the"
                        + " checkpoint was normalized with %s / %s: is --data the folder the model was trained on?",
                        Arrays.toString(mean), Arrays.toString(std),
                        Arrays.toString(header.mean()), Arrays.toString(header.std())));
                return;
            }
        }
    }

    static Map<String, OodSubset> oodSubsets(Map<String, LabeledImages> ood, int testSize, long seed,
            List<String> notes) {
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
    static EvaluationResult run(CifarNet net, NDManager root, float[] mean, float[] std, EvaluationResult.Info info,
            Inputs inputs, EvaluationOptions options, Listener listener, List<String> notes, long startNanos) {
        return new Run(net, root, mean, std, info, options, listener).execute(inputs, notes, startNanos);
    }

    /** One evaluation inside the caller's root manager. */
    private static final class Run {
        private final CifarNet net;
        private final NDManager root;
        private final Augmentation normalization;
        private final EvaluationResult.Info info;
        private final EvaluationOptions options;
        private final Listener listener;
        private final int classes;
        private final int passes;

        Run(CifarNet net, NDManager root, float[] mean, float[] std, EvaluationResult.Info info,
                EvaluationOptions options, Listener listener) {
            this.net = net;
            this.root = root;
            this.normalization = new Augmentation(root, mean, std);
            this.info = info;
            this.options = options;
            this.listener = listener == null ? Listener.NONE : listener;
            this.classes = net.config().classes();
            this.passes = info.passes();
        }

        EvaluationResult execute(Inputs inputs, List<String> notes, long startNanos) {
            // evaluation never updates weights: no parameter gradients (FGSM only needs ∇ with respect to the input)
            for (NDArray p : net.namedParameters().values()) {
                p.setRequiresGradient(false);
            }
            EngineSetup.seed(info.seed() + PREDICTION_SEED_SALT);
            double setup = seconds(startNanos);

            long t = System.nanoTime();
            NDArray testX = upload(inputs.testImages());
            // [0]: mean softmax over the logit draws (test_mc), [1]: mean of the drawn logits (test_mc_logits)
            float[][] testMc = info.sngpMcSamples() > 0 ? new float[2][] : null;
            float[][] testRef = new float[1][];
            EvaluationResult.Outputs test = predictAll(testX, "test", testMc, testRef);
            requireFinite(test, "test", inputs.testIndices());
            double testSeconds = seconds(t);

            t = System.nanoTime();
            Map<String, EvaluationResult.Outputs> oodOutputs = new LinkedHashMap<>();
            Map<String, float[]> oodMc = new LinkedHashMap<>();
            Map<String, float[]> oodMcLogits = new LinkedHashMap<>();
            Map<String, float[]> oodRef = new LinkedHashMap<>();
            for (OodSubset s : inputs.ood().values()) {
                try (NDManager sm = root.newSubManager()) {
                    NDArray x = upload(s.images());
                    x.attach(sm);
                    float[][] mc = info.sngpMcSamples() > 0 ? new float[2][] : null;
                    float[][] ref = new float[1][];
                    EvaluationResult.Outputs o = predictAll(x, "ood " + s.name(), mc, ref);
                    requireFinite(o, "ood " + s.name(), s.indices());
                    oodOutputs.put(s.name(), o);
                    if (mc != null) {
                        oodMc.put(s.name(), mc[0]);
                        oodMcLogits.put(s.name(), mc[1]);
                    }
                    if (ref[0] != null) {
                        oodRef.put(s.name(), ref[0]);
                    }
                }
            }
            double oodSeconds = seconds(t);

            t = System.nanoTime();
            double[][] probs = test.probabilityMatrix();
            MetricSet testMetrics = ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST, probs, inputs.testLabels(),
                    inputs.testSoftLabels());
            MetricSet.Builder metrics = MetricSet.builder().putAll(testMetrics.metrics())
                    .reliability(testMetrics.reliability());
            if (testMc != null) {
                metrics.putAll(ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST_MC, EvaluationResult.toMatrix(testMc[0],
                        test.count(), classes), inputs.testLabels(), inputs.testSoftLabels()).metrics());
                metrics.putAll(ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST_MC_LOGITS,
                        softmaxRows(EvaluationResult.toMatrix(testMc[1], test.count(), classes)), inputs.testLabels(),
                        inputs.testSoftLabels()).metrics());
            }
            double[][] refProbs = testRef[0] == null ? null : EvaluationResult.toMatrix(testRef[0], test.count(), classes);
            if (refProbs != null) {
                metrics.putAll(ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST_REFERENCE, refProbs,
                        inputs.testLabels(), inputs.testSoftLabels()).metrics());
            }
            for (OodSubset s : inputs.ood().values()) {
                EvaluationResult.Outputs o = oodOutputs.get(s.name());
                putOod(metrics, s.name(), MetricNames.SCORE_MAX_LOGIT, Scores.maxLogit(test.logitMatrix()),
                        Scores.maxLogit(o.logitMatrix()));
                putOod(metrics, s.name(), MetricNames.SCORE_MAX_PROB, Scores.maxProbability(probs),
                        Scores.maxProbability(o.probabilityMatrix()));
                putOod(metrics, s.name(), MetricNames.SCORE_NATIVE, test.nativeScoreVector(), o.nativeScoreVector());
                if (testMc != null) {
                    putOod(metrics, s.name(), MetricNames.SCORE_MC_MAX_PROB,
                            Scores.maxProbability(EvaluationResult.toMatrix(testMc[0], test.count(), classes)),
                            Scores.maxProbability(EvaluationResult.toMatrix(oodMc.get(s.name()), o.count(), classes)));
                    putOod(metrics, s.name(), MetricNames.SCORE_MC_LOGITS_MAX_LOGIT,
                            Scores.maxLogit(EvaluationResult.toMatrix(testMc[1], test.count(), classes)),
                            Scores.maxLogit(EvaluationResult.toMatrix(oodMcLogits.get(s.name()), o.count(), classes)));
                }
                if (refProbs != null) {
                    putOod(metrics, s.name(), MetricNames.SCORE_REFERENCE_MAX_PROB, Scores.maxProbability(refProbs),
                            Scores.maxProbability(EvaluationResult.toMatrix(oodRef.get(s.name()), o.count(), classes)));
                }
            }
            double metricSeconds = seconds(t);

            t = System.nanoTime();
            int[] predicted = Scores.argmax(probs);
            boolean[] correctBefore = new boolean[predicted.length];
            for (int i = 0; i < predicted.length; i++) {
                correctBefore[i] = predicted[i] == inputs.testLabels()[i];
            }
            List<EvaluationResult.FgsmOutcome> fgsm = attack(testX, inputs.testLabels(), correctBefore);
            double fgsmSeconds = seconds(t);
            int attackedImages = 0;
            for (EvaluationResult.FgsmOutcome f : fgsm) {
                metrics.put(f.metricName(), f.decrease());
                attackedImages += f.attacked();
            }
            testX.close();

            Map<String, EvaluationResult.OodOutputs> ood = new LinkedHashMap<>();
            for (OodSubset s : inputs.ood().values()) {
                ood.put(s.name(), new EvaluationResult.OodOutputs(s.name(), s.available(), s.indices(),
                        oodOutputs.get(s.name()), oodMc.get(s.name())));
            }
            double total = seconds(startNanos);
            EvaluationResult.Timing timing = new EvaluationResult.Timing(setup, testSeconds, oodSeconds, fgsmSeconds,
                    metricSeconds, total, test.count() / testSeconds,
                    attackedImages == 0 ? 0 : attackedImages / fgsmSeconds);
            return new EvaluationResult(metrics.build(), info, test, inputs.testIndices(), inputs.testLabels(),
                    inputs.testSoftLabels(), testMc == null ? null : testMc[0], ood, fgsm, timing, List.copyOf(notes));
        }

        /** Row-wise softmax in double (of the reference's mean of drawn logits). */
        private static double[][] softmaxRows(double[][] logits) {
            double[][] out = new double[logits.length][];
            for (int i = 0; i < logits.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : logits[i]) {
                    max = Math.max(max, v);
                }
                double z = 0;
                out[i] = new double[logits[i].length];
                for (int k = 0; k < logits[i].length; k++) {
                    out[i][k] = Math.exp(logits[i][k] - max);
                    z += out[i][k];
                }
                for (int k = 0; k < logits[i].length; k++) {
                    out[i][k] /= z;
                }
            }
            return out;
        }

        private static void putOod(MetricSet.Builder metrics, String set, String score, double[] in, double[] out) {
            metrics.put(MetricNames.oodAuroc(set, score), OodMetrics.auroc(in, out));
            metrics.put(MetricNames.oodAupr(set, score), OodMetrics.aupr(in, out));
        }

        private NDArray upload(LabeledImages images) {
            return root.create(ByteBuffer.wrap(images.pixels()), new Shape(images.count(), 3, 32, 32), DataType.UINT8);
        }

        /**
         * Clean predictions of all images, in batches, without gradient; {@code refOut[0]} receives the reference
         * variant's probabilities ({@link Prediction#referenceProbabilities()}) when the method has one.
         */
        private EvaluationResult.Outputs predictAll(NDArray images, String phase, float[][] mcOut, float[][] refOut) {
            int n = (int) images.getShape().get(0);
            float[] probs = new float[n * classes];
            float[] logits = new float[n * classes];
            float[] scores = new float[n];
            float[] mc = mcOut == null ? null : new float[n * classes];
            float[] mcLogits = mcOut == null ? null : new float[n * classes];
            float[][] ref = new float[1][];
            int batch = options.batchSize();
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                int at = from;
                try (NDManager sm = root.newSubManager()) {
                    NDArray xb = images.get(new NDIndex(from + ":" + to));
                    xb.attach(sm);
                    NDArray x = normalization.normalize(Augmentation.toUnitRange(xb));
                    Autograd.noGrad(() -> {
                        Prediction p = net.predict(x, passes);
                        copy(p.probabilities(), probs, at * classes);
                        copy(p.logits(), logits, at * classes);
                        copy(p.nativeScore(), scores, at);
                        if (p.referenceProbabilities() != null) {
                            if (ref[0] == null) {
                                ref[0] = new float[n * classes];
                            }
                            copy(p.referenceProbabilities(), ref[0], at * classes);
                        }
                        if (mc != null) {
                            SngpHead.MonteCarlo draws = net.head(SngpHead.class).monteCarlo(x, info.sngpMcSamples());
                            copy(draws.meanProbabilities(), mc, at * classes);
                            copy(draws.meanLogits(), mcLogits, at * classes);
                        }
                    });
                }
                listener.progress(phase, to, n);
            }
            if (mcOut != null) {
                mcOut[0] = mc;
                mcOut[1] = mcLogits;
            }
            refOut[0] = ref[0];
            return new EvaluationResult.Outputs(n, classes, probs, logits, scores);
        }

        private static void copy(NDArray a, float[] dest, int offset) {
            float[] v = (a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false)).toFloatArray();
            System.arraycopy(v, 0, dest, offset, v.length);
        }

        private void requireFinite(EvaluationResult.Outputs o, String phase, int[] indices) {
            String[] what = {"logit", "probability"};
            float[][] arrays = {o.logits(), o.probabilities()};
            for (int a = 0; a < arrays.length; a++) {
                float[] v = arrays[a];
                for (int i = 0; i < v.length; i++) {
                    if (!Float.isFinite(v[i])) {
                        int row = i / classes;
                        throw new IllegalArgumentException(String.format(Locale.ROOT,
                                "%s: the model's output is not finite (%s of class %d is %s for %s image %d, index %d"
                                        + " of its file): the weights are probably diverged",
                                info.checkpoint() == null ? "model" : info.checkpoint(), what[a], i % classes, v[i],
                                phase, row, indices[row]));
                    }
                }
            }
            for (int i = 0; i < o.count(); i++) {
                if (!Float.isFinite(o.nativeScores()[i])) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s: the model's native score is %s for %s image %d: the weights are probably diverged",
                            info.checkpoint() == null ? "model" : info.checkpoint(), o.nativeScores()[i], phase, i));
                }
            }
        }

        /** FGSM for every ε on the correctly classified test points; one gradient per image serves every ε. */
        private List<EvaluationResult.FgsmOutcome> attack(NDArray testX, int[] labels, boolean[] correctBefore) {
            List<Double> epsilons = options.fgsmEpsilons();
            int n = labels.length;
            int[][] after = new int[epsilons.size()][n];
            for (int[] a : after) {
                Arrays.fill(a, -1);
            }
            List<Integer> targets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (correctBefore[i]) {
                    targets.add(i);
                }
            }
            if (!epsilons.isEmpty()) {
                int batch = Math.max(1, Math.min(options.batchSize(), FGSM_BATCH) / passes);
                Fgsm.LogitModel model = px -> net.predict(normalization.normalize(px), passes).predictiveLogits();
                for (int from = 0; from < targets.size(); from += batch) {
                    int to = Math.min(targets.size(), from + batch);
                    long[] idx = new long[to - from];
                    long[] y = new long[to - from];
                    for (int j = from; j < to; j++) {
                        idx[j - from] = targets.get(j);
                        y[j - from] = labels[targets.get(j)];
                    }
                    try (NDManager sm = root.newSubManager()) {
                        NDArray index = sm.create(idx);
                        NDArray xb = testX.get(index);
                        xb.attach(sm);
                        NDArray pixels = Augmentation.toUnitRange(xb);
                        NDArray oneHot = sm.create(y).oneHot(classes).toType(DataType.FLOAT32, false);
                        NDArray sign = Fgsm.gradientSign(pixels, oneHot, model);
                        for (int e = 0; e < epsilons.size(); e++) {
                            NDArray adversarial = Fgsm.perturb(pixels, sign, epsilons.get(e));
                            long[][] pred = new long[1][];
                            Autograd.noGrad(() -> pred[0] = net.predict(normalization.normalize(adversarial), passes)
                                    .probabilities().argMax(1).toLongArray());
                            for (int j = 0; j < pred[0].length; j++) {
                                after[e][(int) idx[j]] = (int) pred[0][j];
                            }
                        }
                    }
                    listener.progress("fgsm", to, targets.size());
                }
            }
            List<EvaluationResult.FgsmOutcome> out = new ArrayList<>();
            for (int e = 0; e < epsilons.size(); e++) {
                boolean[] correctAfter = new boolean[n];
                int flipped = 0;
                for (int i = 0; i < n; i++) {
                    correctAfter[i] = after[e][i] == labels[i];
                    if (correctBefore[i] && !correctAfter[i]) {
                        flipped++;
                    }
                }
                double eps = epsilons.get(e);
                out.add(new EvaluationResult.FgsmOutcome(eps, MetricNames.fgsmDecrease(eps), targets.size(), flipped,
                        RobustnessMetrics.fgsmDecrease(correctBefore, correctAfter), after[e]));
            }
            return out;
        }

        private static double seconds(long since) {
            return (System.nanoTime() - since) / 1e9;
        }
    }
}
