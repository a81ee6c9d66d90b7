package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** BatchNorm over channels with PyTorch's defaults (momentum 0.1 for the running averages, eps 1e-5). */
public final class BatchNorm2d extends Module {

    /** DJL's momentum is the weight of the old running value: 0.9 here equals PyTorch's momentum 0.1. */
    private static final float DJL_MOMENTUM = 0.9f;

    private static final float EPS = 1e-5f;

    public BatchNorm2d(NDManager manager, int channels) {
        registerParameter("gamma", manager.ones(new Shape(channels)));
        registerParameter("beta", manager.zeros(new Shape(channels)));
        registerBuffer("running_mean", manager.zeros(new Shape(channels)));
        registerBuffer("running_var", manager.ones(new Shape(channels)));
    }

    /**
     * In training mode the running statistics are updated in place by the native batch_norm. The axis argument is -1,
     * not 1: DJL passes -1 straight to libtorch's batch_norm (which normalizes over dimension 1, the channels), while
     * any other axis makes it swap that axis with 1 before and after — for axis 1 two identity transposes, a
     * sub-manager and three re-attachments per call, and two more autograd nodes in the backward pass.
     */
    public NDArray forward(NDArray x, Mode mode) {
        return x.getNDArrayInternal()
                .batchNorm(
                        x,
                        buffer("running_mean"),
                        buffer("running_var"),
                        parameter("gamma"),
                        parameter("beta"),
                        -1,
                        DJL_MOMENTUM,
                        EPS,
                        mode.training())
                .singletonOrThrow();
    }
}
