package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
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
 */
public final class NesterovSgd {

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;

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
        this.parameters = parameters;
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
}
