package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution without bias (a BatchNorm always follows), Kaiming-normal (fan-out) initialized, optionally spectrally normalized. */
public final class Conv2d extends Module {

    private final Shape stride;
    private final Shape padding;
    private final SpectralNorm spectralNorm;

    /**
     * @param spectralBound c of spectral normalization, or {@code null} for a plain convolution
     */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, Float spectralBound) {
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        NDArray weight = registerParameter("weight", manager.randomNormal(0f, (float) std, new Shape(out, in, kernel, kernel),
                ai.djl.ndarray.types.DataType.FLOAT32));
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(kernel / 2, kernel / 2);
        this.spectralNorm = spectralBound == null ? null : new SpectralNorm(this, weight, spectralBound);
    }

    public NDArray forward(NDArray x, Mode mode) {
        NDArray weight = parameter("weight");
        NDArray w = spectralNorm == null ? weight : spectralNorm.normalized(weight, x.getManager(), mode.training());
        return x.getNDArrayInternal()
                .convolution(x, w, null, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** The weight actually applied in inference (normalized where spectral normalization is on). */
    public NDArray effectiveWeight(NDManager manager) {
        NDArray weight = parameter("weight");
        return spectralNorm == null ? Module.scoped(weight.duplicate(), manager)
                : spectralNorm.normalized(weight, manager, false);
    }

    public boolean spectrallyNormalized() {
        return spectralNorm != null;
    }
}
