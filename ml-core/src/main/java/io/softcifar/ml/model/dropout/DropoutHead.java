package io.softcifar.ml.model.dropout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.DropoutConfig;
import io.softcifar.ml.model.HeadContext;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.basic.BasicHead;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * MC Dropout's head: the basic linear layer (the dropout itself is in the backbone, after every activation, from
 * {@link DropoutConfig#backboneDropout()}); the prediction averages S stochastic passes (BatchNorm in inference mode,
 * dropout on).
 */
public final class DropoutHead extends BasicHead {

    public DropoutHead(DropoutConfig config, HeadContext context) {
        super(context);
    }

    /**
     * MC Dropout over S passes: the standard prediction averages the S softmaxes; the reference's variant (softmax of
     * the averaged logits) comes from the same passes. ln(mean p) = logsumexp_s(log-softmax_s) − ln S, with the
     * maximum over passes subtracted (without gradient) before the exponential.
     */
    @Override
    public Prediction predict(NDArray x, int mcSamples) {
        if (mcSamples < 1) {
            throw new IllegalArgumentException("mcSamples must be >= 1, got " + mcSamples);
        }
        NDManager outer = x.getManager();
        List<NDArray> logits = new ArrayList<>();
        for (int s = 0; s < mcSamples; s++) {
            // each pass's activations (and dropout masks) are freed when it ends, only its logits kept: held until the
            // caller's manager closes, S passes of a batch of 500 took ~15 GB. Under gradient recording the autograd
            // graph keeps what backward needs by itself, so this holds there too.
            try (NDManager pass = outer.newSubManager()) {
                x.tempAttach(pass);
                NDArray passLogits = forward(x, Mode.MC_DROPOUT);
                passLogits.attach(outer);
                logits.add(passLogits);
            }
        }
        return averagePasses(logits);
    }

    /** The MC Dropout prediction from the logits (B × C) of S stochastic passes; see {@link #predict}. */
    public static Prediction averagePasses(List<NDArray> logits) {
        NDArray stackedLogits = NDArrays.stack(new NDList(logits)); // S × B × C
        NDArray meanLogits = stackedLogits.mean(new int[] {0});
        NDArray logProbs = stackedLogits.logSoftmax(2);
        NDArray shift = logProbs.max(new int[] {0}).stopGradient();
        NDArray logMean = Scalars.sub(
                logProbs.sub(shift.expandDims(0)).exp().sum(new int[] {0}).log().add(shift), Math.log(logits.size()));
        NDArray meanProbs = logProbs.exp().mean(new int[] {0});
        return new Prediction(meanProbs, meanLogits, logMean, meanProbs.max(new int[] {1}), meanLogits.softmax(1));
    }
}
