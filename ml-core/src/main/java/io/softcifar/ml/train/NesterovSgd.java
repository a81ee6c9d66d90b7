package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import io.softcifar.ml.nn.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum and L2 weight decay, exactly PyTorch's {@code torch.optim.SGD(momentum=μ, weight_decay=wd,
 * dampening=0)}. With g ← ∇ + wd·w and the momentum buffer b ← μ·b + g (b starts at 0, so the first step sets
 * b = g):
 * <ul>
 *   <li>plain momentum (the default, {@code nesterov=False}, what the reference trained with): w ← w − lr·b;
 *   <li>Nesterov momentum ({@code nesterov=True}, an option): w ← w − lr·(g + μ·b).
 * </ul>
 * The buffer is the same quantity in both, so a checkpoint's buffers resume either kind. Gradients are zeroed after
 * the update. (The class keeps its old name: Nesterov was the default before PROTOCOL.md named plain momentum.)
 *
 * <p>The update runs by default as one call of a TorchScript function ({@link Kernel#FUSED}, {@code fused_sgd.pt},
 * built by {@code tools/make_fused_sgd_module.py}): the same operations in the same order, but inside libtorch, so a
 * step crosses the JNI boundary once instead of six or seven times per parameter tensor (the per-tensor update cost
 * about 8 ms a ResNet-20 step at batch 2, docs/benchmarks.md). {@link Kernel#PER_TENSOR} is the same update written with DJL
 * operations, kept as the reference the fused one is tested against (equal to the last bit).
 */
public final class NesterovSgd {

    /** How the update is executed; both compute the same numbers. */
    public enum Kernel {
        /** One TorchScript call per step (the default). */
        FUSED,
        /** DJL operations per parameter tensor (the reference implementation). */
        PER_TENSOR
    }

    private static final String FUSED_RESOURCE = "fused_sgd.pt";

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final Kernel kernel;
    private final PtNDArray[] parameterArray;
    private final PtNDArray[] bufferArray;
    private final PtSymbolBlock fused;

    /** Plain momentum (PyTorch's default, the reference's optimizer). */
    public NesterovSgd(Map<String, NDArray> parameters, NDManager stateManager, double momentum, double weightDecay) {
        this(parameters, stateManager, momentum, weightDecay, false);
    }

    /** @param nesterov true for Nesterov momentum, false for plain momentum */
    public NesterovSgd(
            Map<String, NDArray> parameters,
            NDManager stateManager,
            double momentum,
            double weightDecay,
            boolean nesterov) {
        this(parameters, stateManager, momentum, weightDecay, nesterov, Kernel.FUSED);
    }

    /** @param kernel how the update is executed ({@link Kernel#FUSED} unless comparing against the reference) */
    public NesterovSgd(
            Map<String, NDArray> parameters,
            NDManager stateManager,
            double momentum,
            double weightDecay,
            boolean nesterov,
            Kernel kernel) {
        this.parameters = parameters;
        this.kernel = kernel;
        this.nesterov = nesterov;
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray buffer = stateManager.zeros(
                    e.getValue().getShape(),
                    e.getValue().getDataType(),
                    e.getValue().getDevice());
            momentumBuffers.put(e.getKey(), buffer);
        }
        // the same tensors as the maps hold: checkpoint restores copy into them in place
        parameterArray = parameters.values().stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
        bufferArray =
                momentumBuffers.values().stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
        fused = kernel == Kernel.FUSED ? loadFused(stateManager) : null;
    }

    /** The scripted update, owned by {@code manager} (closed with it). */
    private static PtSymbolBlock loadFused(NDManager manager) {
        return io.softcifar.ml.nn.ScriptedModules.load(manager, NesterovSgd.class, FUSED_RESOURCE);
    }

    /** How the update is executed. */
    public Kernel kernel() {
        return kernel;
    }

    /** True for Nesterov momentum, false for plain momentum. */
    public boolean nesterov() {
        return nesterov;
    }

    /** Momentum buffers by parameter name (saved in checkpoints). */
    public Map<String, NDArray> state() {
        return momentumBuffers;
    }

    /** One update with learning rate {@code lr}; temporaries go to {@code stepManager}. */
    public void step(double lr, NDManager stepManager) {
        float rate = (float) lr;
        if (kernel == Kernel.FUSED) {
            Autograd.noGrad(() -> stepFused(rate));
            return;
        }
        Autograd.noGrad(() -> {
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray w = e.getValue();
                NDArray grad = w.getGradient();
                grad.attach(stepManager);
                if (weightDecay != 0f) {
                    NDArray decay = w.mul(weightDecay);
                    decay.attach(stepManager);
                    grad.addi(decay);
                }
                NDArray buffer = momentumBuffers.get(e.getKey());
                buffer.muli(momentum).addi(grad);
                NDArray update;
                if (nesterov) {
                    update = buffer.mul(momentum);
                    update.attach(stepManager);
                    update.addi(grad).muli(rate);
                } else {
                    update = buffer.mul(rate);
                    update.attach(stepManager);
                }
                w.subi(update);
                JniUtils.zeroGrad((PtNDArray) w);
            }
        });
    }

    /**
     * The scripted update; the scalars are the same float32 values the per-tensor path multiplies by (widened to
     * double exactly; libtorch narrows them back for float32 tensors).
     */
    private void stepFused(float rate) {
        try (IValue params = IValue.listFrom(parameterArray);
                IValue buffers = IValue.listFrom(bufferArray);
                IValue lr = IValue.from((double) rate);
                IValue mu = IValue.from((double) momentum);
                IValue wd = IValue.from((double) weightDecay);
                IValue nest = IValue.from(nesterov);
                IValue updated = fused.forward(params, buffers, lr, mu, wd, nest)) {
            if (updated.toLong() != parameterArray.length) {
                throw new IllegalStateException("fused update touched " + updated.toLong() + " of "
                        + parameterArray.length + " parameter tensors");
            }
        }
    }
}
