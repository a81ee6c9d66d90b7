package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * 2-D convolution without bias (a BatchNorm always follows), Kaiming-normal (fan-out) initialized, zero padding k/2,
 * optionally spectrally normalized: a 1×1 conv by the norm of its (out, in) matrix, a larger kernel by the norm of
 * the convolution operator on its input shape, which must then be known at construction (the power-iteration vectors
 * have that shape and are saved with the model).
 */
public final class Conv2d extends WeightLayer {

    private final Shape stride;
    private final Shape padding;
    private final int inputSize;
    private final boolean operatorNorm;
    private final int strideSize;
    private final int paddingSize;
    /** Set in the bf16 precision mode: the convolution in bfloat16 (input either; result bf16; weights float32). */
    private volatile Bf16Convolution bf16;

    /** A convolution without spectral normalization, or a spectrally normalized 1×1 convolution. */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, Float spectralBound) {
        this(manager, in, out, kernel, stride, spectralBound, 0);
    }

    /**
     * @param spectralBound c of spectral normalization, or {@code null} for a plain convolution
     * @param inputSize height = width of the inputs this layer sees (needed for a spectrally normalized k×k
     *     convolution with k > 1; 0 = unknown)
     */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, Float spectralBound, int inputSize) {
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        NDArray weight = manager.randomNormal(
                0f, (float) std, new Shape(out, in, kernel, kernel), ai.djl.ndarray.types.DataType.FLOAT32);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(kernel / 2, kernel / 2);
        this.strideSize = stride;
        this.paddingSize = kernel / 2;
        this.inputSize = inputSize;
        this.operatorNorm = spectralBound != null && kernel > 1;
        if (operatorNorm) {
            if (inputSize < 1) {
                throw new IllegalArgumentException("a spectrally normalized " + kernel + "×" + kernel
                        + " convolution needs its input size (the norm is the convolution operator's on that shape)");
            }
            registerConvolutionWeight(weight, spectralBound, inputSize, inputSize, stride, kernel / 2);
        } else {
            registerWeight(weight, spectralBound);
        }
    }

    public NDArray forward(NDArray x, Mode mode) {
        if (operatorNorm && (x.getShape().get(2) != inputSize || x.getShape().get(3) != inputSize)) {
            throw new IllegalArgumentException(
                    "input of " + x.getShape().get(2) + "×" + x.getShape().get(3)
                            + " pixels at a spectrally normalized convolution built for " + inputSize + "×" + inputSize
                            + " (set the model's image size to the size of the images)");
        }
        NDArray w = appliedWeight(x.getManager(), mode.training());
        if (bf16 != null) {
            return bf16.apply(x, w, strideSize, paddingSize);
        }
        return x.getNDArrayInternal()
                .convolution(x, w, null, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * Computes this convolution in bfloat16 from now on ({@code kernel}; the result is bfloat16, see
     * {@link Bf16Convolution}), or in float32 again (null).
     */
    public void computeIn(Bf16Convolution kernel) {
        this.bf16 = kernel;
    }
}
