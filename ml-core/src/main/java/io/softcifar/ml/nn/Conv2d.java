package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution without bias (a BatchNorm always follows), Kaiming-normal (fan-out) initialized, optionally spectrally normalized. */
public final class Conv2d extends WeightLayer {

    private final Shape stride;
    private final Shape padding;

    /**
     * @param spectralBound c of spectral normalization, or {@code null} for a plain convolution
     */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, Float spectralBound) {
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        registerWeight(manager.randomNormal(0f, (float) std, new Shape(out, in, kernel, kernel),
                ai.djl.ndarray.types.DataType.FLOAT32), spectralBound);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(kernel / 2, kernel / 2);
    }

    public NDArray forward(NDArray x, Mode mode) {
        NDArray w = appliedWeight(x.getManager(), mode.training());
        return x.getNDArrayInternal()
                .convolution(x, w, null, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

}
