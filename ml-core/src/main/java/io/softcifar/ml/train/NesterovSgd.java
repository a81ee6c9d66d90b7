package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.softcifar.ml.nn.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with Nesterov momentum and L2 weight decay, exactly PyTorch's {@code torch.optim.SGD(nesterov=True,
 * dampening=0)}: g ← ∇ + wd·w; b ← μ·b + g; w ← w − lr·(g + μ·b). Gradients are zeroed after the update.
 */
public final class NesterovSgd {

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();
    private final float momentum;
    private final float weightDecay;

    public NesterovSgd(Map<String, NDArray> parameters, NDManager stateManager, double momentum, double weightDecay) {
        this.parameters = parameters;
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray buffer = stateManager.zeros(e.getValue().getShape(), e.getValue().getDataType(),
                    e.getValue().getDevice());
            momentumBuffers.put(e.getKey(), buffer);
        }
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
                NDArray update = buffer.mul(momentum);
                update.attach(stepManager);
                update.addi(grad).muli(rate);
                w.subi(update);
                JniUtils.zeroGrad((PtNDArray) w);
            }
        });
    }
}
