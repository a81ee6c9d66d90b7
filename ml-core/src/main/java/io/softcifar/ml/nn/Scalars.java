package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Scalar operands for arithmetic that autograd records. Every differentiable computation in this project (training
 * losses, the layers' forward passes, FGSM) takes its constants from here, never as a Java number.
 *
 * <p>Why: DJL 0.33's {@code PtNDArray.mul/div/pow/maximum/minimum/add/sub(Number)} wrap the number in a temporary
 * 0-d tensor that <em>borrows</em> a Java direct buffer ({@code torch::from_blob}) and close it as soon as the
 * operation returns. PyTorch's autograd keeps that operand for the backward pass (the derivative of x/c is 1/c, of
 * x·c is c, of max(x, c) needs c), so once the JVM's garbage collector frees the buffer and the memory is reused,
 * backward reads whatever is there: gradients that are wrong, differ from run to run, and are sometimes infinite.
 * It showed as SNGP runs that were not reproducible and, now and then, a NaN loss (spectral normalization's σ/c and
 * max(·, 1), the random-feature scale). {@code ScalarsTest} checks that the constants made here belong to the
 * operand's manager and keep their value through garbage collections.
 *
 * <p>A constant made here is allocated by PyTorch ({@code torch.full}) in the manager of the array it combines
 * with, so the reference autograd saves keeps it alive for as long as the graph needs it.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * A 0-d tensor holding {@code value} (exactly, in float64 arrays), with the data type and device of {@code like},
     * allocated by PyTorch in {@code like}'s manager.
     */
    public static NDArray like(NDArray like, double value) {
        return JniUtils.full(
                (PtNDManager) like.getManager(),
                new Shape(),
                value,
                like.getDataType(),
                like.getDevice(),
                SparseFormat.DENSE);
    }

    /** x · c */
    public static NDArray mul(NDArray x, double c) {
        return x.mul(like(x, c));
    }

    /** x / c */
    public static NDArray div(NDArray x, double c) {
        return x.div(like(x, c));
    }

    /** x + c */
    public static NDArray add(NDArray x, double c) {
        return x.add(like(x, c));
    }

    /** x − c */
    public static NDArray sub(NDArray x, double c) {
        return x.sub(like(x, c));
    }

    /** c − x */
    public static NDArray rsub(double c, NDArray x) {
        return like(x, c).sub(x);
    }

    /** max(x, c) element-wise */
    public static NDArray maximum(NDArray x, double c) {
        return x.maximum(like(x, c));
    }
}
