package io.softcifar.ml.model.basic;

import ai.djl.ndarray.NDArray;
import io.softcifar.ml.model.BasicConfig;
import io.softcifar.ml.model.HeadContext;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.ResNet;
import io.softcifar.ml.model.UncertaintyHead;
import io.softcifar.ml.nn.Linear;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import java.util.Map;

/**
 * The basic network's head: one linear layer ({@code head}) on the backbone features; softmax prediction, soft
 * cross-entropy training loss. MC Dropout's head extends it.
 */
public class BasicHead implements UncertaintyHead {

    /** The child name of the linear layer, fixed by the checkpoint format ({@code head.weight}, {@code head.bias}). */
    public static final String LAYER = "head";

    protected final ResNet backbone;
    protected final Linear linear;

    public BasicHead(BasicConfig config, HeadContext context) {
        this(context);
    }

    /** The linear layer on the context's backbone (for subclasses with their own config). */
    protected BasicHead(HeadContext context) {
        this.backbone = context.backbone();
        this.linear = new Linear(context.manager(), ResNet.FEATURES, context.classes(), true, null);
    }

    @Override
    public Map<String, Module> layers() {
        return Map.of(LAYER, linear);
    }

    @Override
    public NDArray forward(NDArray x, Mode mode) {
        return linear.forward(backbone.forward(x, mode), mode);
    }

    /** Softmax of the logits; native score = max probability. */
    @Override
    public Prediction predict(NDArray x, int mcSamples) {
        NDArray logits = forward(x, Mode.EVAL);
        NDArray p = logits.softmax(1);
        return new Prediction(p, logits, logits, p.max(new int[] {1}), null);
    }
}
