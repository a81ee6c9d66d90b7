package io.softcifar.ml.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.nn.Bf16Convolution;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Training throughput of the project's own {@link TrainStep} on random uint8 images already on the device: the
 * data pipeline is not measured, warm-up steps are excluded, and the device is synchronized (a scalar read) before
 * the clock stops.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {}

    /**
     * What the benchmark times.
     *
     * @param method model to train
     * @param batch batch size (128 in the reported figures)
     * @param warmup steps run before timing
     * @param steps timed steps
     * @param augment include the on-device augmentation chain in the step
     * @param sgdKernel how the optimizer update runs (fused: what training uses; per-tensor: the reference)
     * @param profileTrace where to write libtorch's operator profile of the timed steps as a Chrome trace, or null
     *     (the profiler slows the steps: time and profile in separate runs)
     * @param precision the convolutions' arithmetic ({@link CifarNet#computeConvolutionsIn})
     */
    public record Settings(
            Method method,
            int batch,
            int warmup,
            int steps,
            boolean augment,
            String device,
            NesterovSgd.Kernel sgdKernel,
            java.nio.file.Path profileTrace,
            Precision precision) {}

    /**
     * What one measurement gave.
     *
     * @param millisecondsPerStep wall time per step in each of {@link TrainStep#PHASES} over the timed steps
     */
    public record Result(
            Settings settings,
            long parameters,
            double imagesPerSecond,
            double secondsPerStep,
            Map<String, Double> millisecondsPerStep,
            int threads,
            boolean fastAllocator,
            String device) {}

    public static Result run(Settings s) {
        return run(s, () -> {}).result();
    }

    /** A measurement and the {@link System#nanoTime} bounds of its timed steps. */
    record Timed(Result result, long startNanos, long endNanos) {}

    /**
     * As {@link #run(Settings)}, calling {@code beforeTimedSteps} once the warm-up is done and just before the clock
     * starts (where concurrent runs wait for each other).
     */
    static Timed run(Settings s, Runnable beforeTimedSteps) {
        EngineSetup.engine();
        Device device = DeviceSelection.resolve(s.device());
        EngineSetup.seed(0);
        try (NDManager root = NDManager.newBaseManager(device)) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(s.method()), 0);
            if (s.precision() == Precision.BF16) {
                net.computeConvolutionsIn(Precision.BF16, new Bf16Convolution(root)); // closed with root
            }
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4, false, s.sgdKernel());
            Augmentation augmentation =
                    new Augmentation(root, new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f});
            TrainStep step = new TrainStep(net, optimizer, augmentation, s.augment());
            BatchMixer mixer = new BatchMixer(Mixing.NONE, RandomSource.SPLIT_MIX_64.create(0L));
            NDArray images = root.randomInteger(0, 256, new Shape(s.batch(), 3, 32, 32), DataType.INT32)
                    .toType(DataType.UINT8, false);
            NDArray targets = root.randomInteger(0, 10, new Shape(s.batch()), DataType.INT64)
                    .oneHot(10)
                    .toType(DataType.FLOAT32, false);
            long start = 0;
            for (int i = 0; i < s.warmup() + s.steps(); i++) {
                if (i == s.warmup()) {
                    beforeTimedSteps.run();
                    if (s.profileTrace() != null) {
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                    }
                    start = System.nanoTime();
                    step.resetPhases();
                }
                try (NDManager sm = root.newSubManager()) {
                    NDArray x = images.duplicate();
                    x.attach(sm);
                    NDArray y = targets.duplicate();
                    y.attach(sm);
                    NDArray loss = step.run(sm, x, y, mixer, 0.05).loss();
                    if (i == s.warmup() + s.steps() - 1) {
                        loss.getFloat(); // synchronize the device before stopping the clock
                    }
                }
            }
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            if (s.profileTrace() != null) {
                ai.djl.pytorch.jni.JniUtils.stopProfile(
                        s.profileTrace().toAbsolutePath().toString());
            }
            long[] phases = step.phaseNanos();
            Map<String, Double> perStep = new LinkedHashMap<>();
            for (int p = 0; p < phases.length; p++) {
                perStep.put(TrainStep.PHASES.get(p), phases[p] / 1e6 / s.steps());
            }
            Result result = new Result(
                    s,
                    net.parameterCount(),
                    s.steps() * (double) s.batch() / seconds,
                    seconds / s.steps(),
                    perStep,
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                    EngineSetup.fastAllocator(),
                    device.toString());
            return new Timed(result, start, end);
        }
    }
}
