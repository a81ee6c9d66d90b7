package io.softcifar.ml.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.ImageTensors;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Bf16Convolution;
import io.softcifar.ml.train.Augmentation;
import io.softcifar.ml.train.DeviceSelection;
import io.softcifar.ml.train.EngineSetup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation speed on the current device ({@code ./softcifar bench evaluate}), ResNet-20 with random weights on
 * synthetic images (speed does not depend on the weights):
 *
 * <ul>
 *   <li>plain inference images/s (basic, batches of {@link Settings#batch()});
 *   <li>MC Dropout inference images/s with S passes (an image counts once, whatever S);
 *   <li>FGSM images/s (basic, and MC Dropout with S passes): gradient with respect to the input, perturbation and the
 *       re-prediction of one ε, in the evaluator's FGSM batches;
 *   <li>the wall time of the full metric set ({@link Evaluator} with its defaults: ε = 0.005, S = mcSamples) of each
 *       method of {@link Settings#fullMethods()} on {@code testImages} test + {@code oodImages} SVHN-style images. A
 *       random network is right on ~10 % of the points, which would make FGSM look cheap; so the test labels are set
 *       to the network's own single-pass predictions and (about) every test point is attacked — an upper bound (a
 *       trained model attacks its ~80 % correct points).
 * </ul>
 * One warm-up batch precedes every timed section, and a scalar read synchronizes the device before the clock stops.
 */
public final class EvaluationBenchmark {

    private EvaluationBenchmark() {}

    /**
     * What the benchmark times.
     *
     * @param device cpu, gpu or auto
     * @param testImages test images of the full-metric-set run (1,500 = the protocol's test split)
     * @param oodImages OOD images of that run
     * @param inferenceImages images timed for plain and MC Dropout inference
     * @param fgsmImages images timed for FGSM (basic; MC Dropout uses a tenth, at least one batch)
     * @param batch inference batch size
     * @param mcSamples S of MC Dropout
     * @param fullMethods the methods whose full metric set is timed (basic, MC Dropout, SNGP; at least one)
     * @param precision the models' convolutions ({@link CifarNet#computeConvolutionsIn}); metrics stay fp32
     */
    public record Settings(
            String device,
            int testImages,
            int oodImages,
            int inferenceImages,
            int fgsmImages,
            int batch,
            int mcSamples,
            List<Method> fullMethods,
            Precision precision) {

        public Settings {
            fullMethods = List.copyOf(fullMethods);
            precision = precision == null ? Precision.FP32 : precision;
            if (fullMethods.isEmpty() || fullMethods.contains(Method.DUQ)) {
                throw new IllegalArgumentException(
                        "bench evaluate --full: basic, dropout and/or sngp, got " + fullMethods);
            }
            if (testImages < 1
                    || oodImages < 1
                    || inferenceImages < 1
                    || fgsmImages < 1
                    || batch < 1
                    || mcSamples < 1) {
                throw new IllegalArgumentException("bench evaluate: image counts, batch and mc-samples must be >= 1");
            }
        }

        public static Settings defaults() {
            return new Settings(
                    "cpu",
                    1500,
                    1500,
                    1500,
                    512,
                    EvaluationOptions.DEFAULT_BATCH,
                    EvaluationOptions.DEFAULT_MC_SAMPLES,
                    List.of(Method.BASIC, Method.DROPOUT, Method.SNGP),
                    Precision.FP32);
        }
    }

    /**
     * One timed full metric set.
     *
     * @param method the model's method
     * @param seconds wall time of {@link Evaluator} on testImages + oodImages
     * @param testImagesPerSecond testImages ÷ seconds (the rate compared with the peer)
     * @param timing its per-phase breakdown
     * @param metricCount number of metrics it produced
     */
    public record FullMetricSet(
            String method,
            double seconds,
            double testImagesPerSecond,
            EvaluationResult.Timing timing,
            int metricCount) {}

    /**
     * The measured rates and times.
     *
     * @param inferenceImagesPerSecond basic, one pass per image
     * @param mcDropoutImagesPerSecond MC Dropout, S passes per image
     * @param fgsmImagesPerSecond basic: gradient + perturbation + re-prediction per image
     * @param fgsmMcDropoutImagesPerSecond the same for MC Dropout with S passes in both the loss and the re-prediction
     * @param fullMetricSets the full metric set of each method of {@link Settings#fullMethods()}, in that order
     */
    public record Result(
            Settings settings,
            String device,
            int threads,
            boolean fastAllocator,
            double inferenceImagesPerSecond,
            double mcDropoutImagesPerSecond,
            double fgsmImagesPerSecond,
            double fgsmMcDropoutImagesPerSecond,
            List<FullMetricSet> fullMetricSets) {

        /** The full metric set of {@code method}, or null when it was not timed. */
        public FullMetricSet fullMetricSet(Method method) {
            return fullMetricSets.stream()
                    .filter(f -> f.method().equals(method.id()))
                    .findFirst()
                    .orElse(null);
        }
    }

    public static Result run(Settings s) {
        EngineSetup.engine();
        Device device = DeviceSelection.resolve(s.device());
        float[] mean = {0.49f, 0.48f, 0.45f};
        float[] std = {0.25f, 0.24f, 0.26f};
        LabeledImages images = SyntheticData.images(Math.max(s.inferenceImages(), s.fgsmImages()), 1);
        try (NDManager root = NDManager.newBaseManager(device)) {
            EngineSetup.seed(0);
            Augmentation norm = new Augmentation(root, mean, std);
            CifarNet basic = new CifarNet(root, ModelConfig.defaults(Method.BASIC), 0);
            CifarNet dropout = new CifarNet(root, ModelConfig.defaults(Method.DROPOUT), 0);
            Bf16Convolution bf16 = s.precision() == Precision.BF16 ? new Bf16Convolution(root) : null;
            for (CifarNet net : List.of(basic, dropout)) {
                net.namedParameters().values().forEach(p -> p.setRequiresGradient(false));
                net.computeConvolutionsIn(s.precision(), bf16);
            }
            NDArray x = ImageTensors.upload(root, images);
            double plain = inference(root, norm, basic, x, s.inferenceImages(), s.batch(), 1);
            double mc = inference(
                    root,
                    norm,
                    dropout,
                    x,
                    Math.max(s.batch(), s.inferenceImages() / s.mcSamples()),
                    s.batch(),
                    s.mcSamples());
            int fgsmBatch = Math.min(s.batch(), Evaluator.FGSM_BATCH);
            double fgsm = fgsm(root, norm, basic, x, s.fgsmImages(), fgsmBatch, 1);
            int mcFgsmBatch = Math.max(1, fgsmBatch / s.mcSamples());
            double fgsmMc = fgsm(
                    root, norm, dropout, x, Math.max(mcFgsmBatch, s.fgsmImages() / 10), mcFgsmBatch, s.mcSamples());
            List<FullMetricSet> full = new ArrayList<>();
            for (Method method : s.fullMethods()) {
                CifarNet net = method == Method.BASIC
                        ? basic
                        : method == Method.DROPOUT ? dropout : new CifarNet(root, ModelConfig.defaults(method), 0);
                net.computeConvolutionsIn(s.precision(), bf16);
                EvaluationResult r = fullMetricSet(root, norm, net, method, mean, std, s, device);
                full.add(new FullMetricSet(
                        method.id(),
                        r.timing().totalSeconds(),
                        s.testImages() / r.timing().totalSeconds(),
                        r.timing(),
                        r.metrics().metrics().size()));
            }
            return new Result(
                    s,
                    Evaluator.deviceName(device),
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                    EngineSetup.fastAllocator(),
                    plain,
                    mc,
                    fgsm,
                    fgsmMc,
                    full);
        }
    }

    /** Images/s of clean prediction over the first {@code n} images (after one warm-up batch). */
    private static double inference(
            NDManager root, Augmentation norm, CifarNet net, NDArray x, int n, int batch, int passes) {
        return throughput(x, n, batch, (from, to) -> predictRange(root, norm, net, x, from, to, passes));
    }

    /** What is timed on the images {@code [from, to)}. */
    private interface RangeWork {
        void run(int from, int to);
    }

    /** Images/s of {@code work} over the first {@code n} images of {@code x} in batches, after one warm-up batch. */
    private static double throughput(NDArray x, int n, int batch, RangeWork work) {
        int total = Math.min(n, (int) x.getShape().get(0));
        work.run(0, Math.min(batch, total));
        long start = System.nanoTime();
        for (int from = 0; from < total; from += batch) {
            work.run(from, Math.min(total, from + batch));
        }
        return total / ((System.nanoTime() - start) / 1e9);
    }

    private static void predictRange(
            NDManager root, Augmentation norm, CifarNet net, NDArray x, int from, int to, int passes) {
        try (NDManager sm = root.newSubManager()) {
            NDArray input = norm.normalizedBatch(x, from, to, sm);
            Autograd.noGrad(
                    () -> net.predict(input, passes).probabilities().get(0).getFloat(0));
        }
    }

    /** Images/s of FGSM (gradient sign, one ε, re-prediction) over the first {@code n} images. */
    private static double fgsm(
            NDManager root, Augmentation norm, CifarNet net, NDArray x, int n, int batch, int passes) {
        return throughput(x, n, batch, (from, to) -> attackRange(root, norm, net, x, from, to, passes));
    }

    private static void attackRange(
            NDManager root, Augmentation norm, CifarNet net, NDArray x, int from, int to, int passes) {
        try (NDManager sm = root.newSubManager()) {
            NDArray xb = x.get(new NDIndex(from + ":" + to));
            xb.attach(sm);
            NDArray pixels = Augmentation.toUnitRange(xb);
            NDArray oneHot = sm.zeros(new Shape(to - from, 10));
            oneHot.set(new NDIndex(":, 0"), 1f);
            Fgsm.LogitModel model =
                    px -> net.predict(norm.normalize(px), passes).predictiveLogits();
            NDArray adv = Fgsm.attack(pixels, oneHot, model, EvaluationOptions.DEFAULT_EPSILON);
            Autograd.noGrad(() -> net.predict(norm.normalize(adv), passes)
                    .probabilities()
                    .argMax(1)
                    .toLongArray());
        }
    }

    /** The full evaluation of one model; test labels = its own single-pass predictions (see the class comment). */
    private static EvaluationResult fullMetricSet(
            NDManager root,
            Augmentation norm,
            CifarNet net,
            Method method,
            float[] mean,
            float[] std,
            Settings s,
            Device device) {
        SoftLabelDataset data = SyntheticData.dataset(s.testImages(), 2);
        LabeledImages test = data.images();
        int[] predicted = new int[test.count()];
        try (NDManager sm = root.newSubManager()) {
            NDArray x = ImageTensors.upload(sm, test);
            NormalizedBatches.forEach(x, s.batch(), norm, sm, (input, at, to) -> {
                long[] arg = net.predict(input, 1).probabilities().argMax(1).toLongArray();
                for (int i = 0; i < arg.length; i++) {
                    predicted[at + i] = (int) arg[i];
                }
            });
        }
        double[][] soft = new double[test.count()][10];
        int[] indices = new int[test.count()];
        for (int i = 0; i < test.count(); i++) {
            indices[i] = i;
            for (int k = 0; k < 10; k++) {
                soft[i][k] = k == predicted[i] ? 0.91 : 0.01;
            }
        }
        List<String> notes = new ArrayList<>();
        LabeledImages svhn = SyntheticData.svhnLikeImages(s.oodImages(), 3);
        Map<String, LabeledImages> ood = new LinkedHashMap<>();
        ood.put(MetricNames.OOD_SET_SVHN, svhn);
        long start = System.nanoTime();
        Map<String, Evaluator.OodSubset> subsets = Evaluator.oodSubsets(ood, s.testImages(), 0, notes);
        EvaluationOptions options = EvaluationOptions.defaults()
                .withBatchSize(s.batch())
                .withDevice(s.device())
                .withMcSamples(s.mcSamples());
        int passes = Evaluator.passes(net.config(), options);
        EvaluationResult.Info info = new EvaluationResult.Info(
                null, method.id(), 20, "soft", 0, 0, 0, 10, test.count(), passes, 0, Evaluator.deviceName(device));
        Evaluator.Inputs inputs = new Evaluator.Inputs(test, indices, predicted, soft, subsets);
        return Evaluator.run(net, root, mean, std, info, inputs, options, Evaluator.Listener.NONE, notes, start);
    }
}
