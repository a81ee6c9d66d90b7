package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bf16 precision mode's two operations: a convolution computed in bfloat16, {@code conv2d(bf16(x), bf16(w))}, with
 * a bfloat16 result, and the cast of the backbone's last activations back to float32. Between them the backbone's
 * activations stay bfloat16 (DJL's BatchNorm, ReLU, dropout and additions run on them as they are; BatchNorm's
 * parameters and running statistics stay float32), as under PyTorch's bf16 autocast; the weights stay the fp32 master
 * copy the optimizer updates. Backward runs through libtorch's autograd of the same graph (the casts included), so
 * the weights receive fp32 gradients, and DUQ's double backward works as in fp32.
 *
 * <p>Two kernels compute the convolution ({@link Kernel}): libtorch's bf16 kernel, and the same definition computed
 * with float32 kernels on the bf16-rounded operands. libtorch 2.5.1 gives wrong bf16 results on some CPUs (measured on
 * AMD Zen 5, 2026-12-05: the input gradient of the 3-channel stem off by ~30–40 %, the ResNet's other convolutions
 * right); so {@link #probe} checks the native kernel at each of the ResNet's convolution geometries against the
 * emulated one, and each geometry uses the native kernel only where they agree (any other geometry: the emulated).
 *
 * <p>DJL 0.33 aborts the JVM on {@code NDArray.toType(BFLOAT16)}, so the casts run inside scripted modules shipped as
 * resources ({@code bf16_conv.pt}, {@code bf16_conv_emulated.pt}, {@code bf16_to_float32.pt}; built by {@code
 * tools/make_bf16_conv_module.py}).
 */
public final class Bf16Convolution implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bf16Convolution.class);

    /** The kernel computing the convolution. */
    public enum Kernel {
        /** libtorch's bf16 convolution (oneDNN's bf16 kernels where the CPU has AVX-512 BF16/AMX). */
        NATIVE("bf16_conv.pt"),
        /** float32 kernels on the bf16-rounded operands, the result rounded to bf16: same definition, not faster. */
        EMULATED("bf16_conv_emulated.pt");

        private final String resource;

        Kernel(String resource) {
            this.resource = resource;
        }
    }

    /** A convolution's shape as far as the kernel choice goes: channels in and out, kernel size, stride. */
    public record Geometry(int in, int out, int kernel, int stride) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d→%d %d×%d stride-%d", in, out, kernel, kernel, stride);
        }
    }

    /**
     * The native kernel's verdict: the geometries where it is wrong (its result or a gradient more than {@link
     * #PROBE_TOLERANCE} from the emulated kernel's), the largest relative L2 difference over all geometries and
     * results, and what it was ({@code worstCase}); bf16 rounding alone gives ~0.3 %.
     */
    public record Probe(Set<Geometry> wrong, double worstRelativeError, String worstCase) {
        /** True when the native kernel is right at every probed geometry. */
        public boolean nativeCorrect() {
            return wrong.isEmpty();
        }

        /** True when the native kernel is right at one ResNet geometry at least, so that the mode uses it there. */
        public boolean nativeUsed() {
            return wrong.size() < RESNET_GEOMETRIES.size();
        }
    }

    /** Above this relative difference from the emulated kernel the native kernel is wrong (rounding gives ~0.003). */
    static final double PROBE_TOLERANCE = 0.03;

    /** Every convolution geometry of the CIFAR ResNet (any depth). */
    public static final List<Geometry> RESNET_GEOMETRIES = List.of(
            new Geometry(3, 16, 3, 1),
            new Geometry(16, 16, 3, 1),
            new Geometry(16, 32, 3, 2),
            new Geometry(16, 32, 1, 2),
            new Geometry(32, 32, 3, 1),
            new Geometry(32, 64, 3, 2),
            new Geometry(32, 64, 1, 2),
            new Geometry(64, 64, 3, 1));

    private static volatile Probe probe;

    /** The kernel of every geometry, or null: per geometry, native where the probe found it right. */
    private final Kernel kernel;

    private final PtSymbolBlock nativeModule;
    private final PtSymbolBlock emulatedModule;
    private final Set<Geometry> nativeGeometries;
    private final PtSymbolBlock toFloat32;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    /**
     * Tensors of shape (stride, padding), made once per geometry: the module takes tensors only and reads the shape,
     * never the data, so a GPU does not synchronize for it.
     */
    private final Map<List<Integer>, NDArray> geometries = new ConcurrentHashMap<>();

    /**
     * Loads the modules: on a GPU the native kernel everywhere; on a CPU, per geometry, the native kernel where {@link
     * #probe} finds it right and the emulated one elsewhere. They belong to {@code manager} and are closed with it or by
     * {@link #close}.
     */
    public Bf16Convolution(NDManager manager) {
        this(manager, manager.getDevice().isGpu() ? Kernel.NATIVE : null);
    }

    /** Loads the modules with the given kernel for every geometry (null: per geometry, as the probe found). */
    public Bf16Convolution(NDManager manager, Kernel kernel) {
        this.kernel = kernel;
        nativeModule = kernel == Kernel.EMULATED
                ? null
                : ScriptedModules.load(manager, Bf16Convolution.class, Kernel.NATIVE.resource);
        emulatedModule = kernel == Kernel.NATIVE
                ? null
                : ScriptedModules.load(manager, Bf16Convolution.class, Kernel.EMULATED.resource);
        if (kernel == null) {
            Set<Geometry> right = new HashSet<>(RESNET_GEOMETRIES);
            right.removeAll(probe().wrong());
            nativeGeometries = Set.copyOf(right);
        } else {
            nativeGeometries = Set.of();
        }
        toFloat32 = ScriptedModules.load(manager, Bf16Convolution.class, "bf16_to_float32.pt");
        this.manager = manager;
        parameterStore = new ParameterStore(manager, false);
    }

    /** The kernel that computes convolutions of {@code geometry}. */
    public Kernel kernelFor(Geometry geometry) {
        if (kernel != null) {
            return kernel;
        }
        return nativeGeometries.contains(geometry) ? Kernel.NATIVE : Kernel.EMULATED;
    }

    /**
     * Whether libtorch's bf16 convolution is correct on this machine (computed once per process, on the CPU): the
     * forward result and the gradients to input and weight of every ResNet convolution geometry, on a batch of 2
     * images of 8×8, compared with the emulated kernel's. Logs a warning when it is not.
     */
    public static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (Bf16Convolution.class) {
                p = probe;
                if (p == null) {
                    p = runProbe();
                    if (!p.nativeCorrect()) {
                        LOG.warn(
                                "libtorch's bf16 convolution is wrong on this CPU for {} ({} off by {} %): the bf16 mode"
                                        + " computes those convolutions with float32 kernels on bf16-rounded values"
                                        + " (same results, not accelerated), the others with the bf16 kernel",
                                p.wrong(),
                                p.worstCase(),
                                String.format(Locale.ROOT, "%.1f", 100 * p.worstRelativeError()));
                    }
                    probe = p;
                }
            }
        }
        return p;
    }

    private static Probe runProbe() {
        double worst = 0;
        String worstCase = "";
        Set<Geometry> wrong = new LinkedHashSet<>();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                Bf16Convolution nat = new Bf16Convolution(m, Kernel.NATIVE);
                Bf16Convolution emu = new Bf16Convolution(m, Kernel.EMULATED)) {
            java.util.Random random = new java.util.Random(18);
            String[] names = {"result", "input gradient", "weight gradient"};
            for (Geometry g : RESNET_GEOMETRIES) {
                int in = g.in(), out = g.out(), k = g.kernel(), stride = g.stride();
                float[] xs = gaussians(random, 2 * in * 8 * 8);
                float[] ws = gaussians(random, out * in * k * k);
                int size = (8 + 2 * (k / 2) - k) / stride + 1;
                float[] gs = gaussians(random, 2 * out * size * size);
                float[][] a = results(m, nat, xs, ws, gs, in, out, k, stride);
                float[][] b = results(m, emu, xs, ws, gs, in, out, k, stride);
                for (int t = 0; t < 3; t++) {
                    double e = relativeDifference(a[t], b[t]);
                    if (!(e <= PROBE_TOLERANCE)) { // NaN is wrong
                        wrong.add(g);
                    }
                    if (!(e <= worst)) {
                        worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                        worstCase = "the " + names[t] + " of a " + g + " convolution";
                    }
                }
            }
        }
        return new Probe(Set.copyOf(wrong), worst, worstCase);
    }

    /** {y, dL/dx, dL/dw} of L = Σ y·g for the convolution of x (2, in, 8, 8) with w (out, in, k, k), as floats. */
    private static float[][] results(
            NDManager m, Bf16Convolution conv, float[] xs, float[] ws, float[] gs, int in, int out, int k, int s) {
        try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.create(xs, new Shape(2, in, 8, 8));
            NDArray w = sm.create(ws, new Shape(out, in, k, k));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            float[] y;
            try (Autograd grad = Autograd.enable()) {
                NDArray result = conv.toFloat32(conv.apply(x, w, s, k / 2));
                y = result.toFloatArray();
                Autograd.backward(result.mul(sm.create(gs, result.getShape())).sum());
            }
            return new float[][] {
                y, x.getGradient().toFloatArray(), w.getGradient().toFloatArray()
            };
        }
    }

    private static float[] gaussians(java.util.Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** |a − b| / |b| (L2). */
    private static double relativeDifference(float[] a, float[] b) {
        double diff = 0, norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    /**
     * The convolution of {@code x} (N, C, H, W; float32 or bfloat16) with {@code w} (O, C, k, k), no bias, square
     * stride and zero padding, as bfloat16, attached to {@code x}'s manager.
     */
    public NDArray apply(NDArray x, NDArray w, int stride, int padding) {
        NDArray geometry =
                geometries.computeIfAbsent(List.of(stride, padding), k -> manager.zeros(new Shape(stride, padding)));
        Shape ws = w.getShape();
        Kernel chosen = kernelFor(new Geometry((int) ws.get(1), (int) ws.get(0), (int) ws.get(2), stride));
        PtSymbolBlock module = chosen == Kernel.NATIVE ? nativeModule : emulatedModule;
        // with training = true DJL runs the module with autograd (its IValue entry point never does)
        NDArray y =
                module.forward(parameterStore, new NDList(x, w, geometry), true).singletonOrThrow();
        y.attach(x.getManager());
        return y;
    }

    /** {@code x} (bfloat16) as float32, attached to {@code x}'s manager. */
    public NDArray toFloat32(NDArray x) {
        NDArray y = toFloat32.forward(parameterStore, new NDList(x), true).singletonOrThrow();
        y.attach(x.getManager());
        return y;
    }

    @Override
    public void close() {
        if (nativeModule != null) {
            nativeModule.close();
        }
        if (emulatedModule != null) {
            emulatedModule.close();
        }
        toFloat32.close();
    }
}
