package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Fully connected layer, PyTorch's default initialization (uniform ±1/√in for weight and bias), optional spectral norm. */
public final class Linear extends WeightLayer {

    public Linear(NDManager manager, int in, int out, boolean withBias, Float spectralBound) {
        float bound = (float) (1.0 / Math.sqrt(in));
        registerWeight(manager.randomUniform(-bound, bound, new Shape(out, in), DataType.FLOAT32), spectralBound);
        if (withBias) {
            registerParameter("bias", manager.randomUniform(-bound, bound, new Shape(out), DataType.FLOAT32));
        }
    }

    public NDArray forward(NDArray x, Mode mode) {
        NDArray w = appliedWeight(x.getManager(), mode.training());
        return x.getNDArrayInternal().linear(x, w, parameter("bias")).singletonOrThrow();
    }
}
