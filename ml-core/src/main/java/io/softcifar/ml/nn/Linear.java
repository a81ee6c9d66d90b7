package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Fully connected layer, PyTorch's default initialization (uniform ±1/√in for weight and bias), optional spectral norm. */
public final class Linear extends Module {

    private final SpectralNorm spectralNorm;

    public Linear(NDManager manager, int in, int out, boolean withBias, Float spectralBound) {
        float bound = (float) (1.0 / Math.sqrt(in));
        NDArray weight = registerParameter("weight", manager.randomUniform(-bound, bound, new Shape(out, in), DataType.FLOAT32));
        if (withBias) {
            registerParameter("bias", manager.randomUniform(-bound, bound, new Shape(out), DataType.FLOAT32));
        }
        spectralNorm = spectralBound == null ? null : new SpectralNorm(this, weight, spectralBound);
    }

    public NDArray forward(NDArray x, Mode mode) {
        NDArray weight = parameter("weight");
        NDArray w = spectralNorm == null ? weight : spectralNorm.normalized(weight, x.getManager(), mode.training());
        return x.getNDArrayInternal().linear(x, w, parameter("bias")).singletonOrThrow();
    }

    public NDArray effectiveWeight(NDManager manager) {
        NDArray weight = parameter("weight");
        return spectralNorm == null ? Module.scoped(weight.duplicate(), manager)
                : spectralNorm.normalized(weight, manager, false);
    }

    public boolean spectrallyNormalized() {
        return spectralNorm != null;
    }
}
