package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectral normalization with a bound (Miyato et al. 2018, as used by SNGP, Liu et al. 2020): the layer is a linear
 * operator A(W), its largest singular value σ is estimated by power iteration with persistent vectors u (in the
 * operator's output space) and v (in its input space), stored as buffers {@code sn_u}, {@code sn_v} of the owning
 * layer, and the layer uses W / max(1, σ / c).
 *
 * <p>Two operators, as the reference SNGP wrapper ({@code wrappers/sngp_wrapper.py} of sam-laing/soft_cifar) uses them:
 * <ul>
 *   <li>{@link #matrix}: the weight viewed as a matrix (out, in·kh·kw), u of length out, v of length in·kh·kw. Used
 *       for linear layers and 1×1 convolutions, whose operator norm on any input shape is exactly this matrix norm
 *       (a 1×1 conv applies the matrix at every pixel; a stride only drops pixels);
 *   <li>{@link #convolution}: a k×k convolution as an operator on one image of its layer's input shape, u of shape
 *       (1, C_out, H_out, W_out), v of shape (1, C_in, H, W); Aᵀ is the transposed convolution, written here as a
 *       stride-1 convolution of the zero-dilated, zero-padded u with the flipped kernel (DJL's PyTorch engine has no
 *       deconvolution).
 * </ul>
 *
 * <p>One power iteration (v ← Aᵀu/‖Aᵀu‖, u ← Av/‖Av‖) per training step; the vectors are warmed up with
 * {@link #WARMUP_ITERATIONS} iterations at construction so the first steps already use a close estimate. In inference
 * the stored vectors are used as they are. σ = ⟨u, A(W) v⟩ is differentiable in W only (u and v are constants), as in
 * PyTorch's {@code spectral_norm} and the reference.
 */
abstract class SpectralNorm {

    static final int WARMUP_ITERATIONS = 50;
    private static final String U = "sn_u";
    private static final String V = "sn_v";
    private static final float EPS = 1e-12f;

    private final Module owner;
    private final float bound;

    /** Spectral norm of the weight reshaped to a matrix (out, rest): linear layers and 1×1 convolutions. */
    static SpectralNorm matrix(Module owner, NDArray weight, float bound) {
        long out = weight.getShape().get(0);
        long in = weight.getShape().size() / out;
        SpectralNorm sn = new MatrixNorm(owner, bound);
        sn.initialize(weight, new Shape(out), new Shape(in));
        return sn;
    }

    /**
     * Spectral norm of the convolution operator (zero padding {@code padding}, stride {@code stride}, no dilation,
     * one group) on inputs of shape (C_in, height, width).
     */
    static SpectralNorm convolution(
            Module owner, NDArray weight, float bound, int height, int width, int stride, int padding) {
        Shape k = weight.getShape();
        int kernel = (int) k.get(2);
        if (k.get(3) != kernel) {
            throw new IllegalArgumentException("spectral norm of a convolution needs a square kernel, got " + k);
        }
        int outHeight = (height + 2 * padding - kernel) / stride + 1;
        int outWidth = (width + 2 * padding - kernel) / stride + 1;
        if (height < 1 || width < 1 || outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("spectral norm of a convolution: input " + height + "×" + width
                    + " is too small for a " + kernel + "×" + kernel + " kernel with padding " + padding);
        }
        SpectralNorm sn =
                new ConvolutionNorm(owner, bound, kernel, stride, padding, height, width, outHeight, outWidth);
        sn.initialize(weight, new Shape(1, k.get(0), outHeight, outWidth), new Shape(1, k.get(1), height, width));
        return sn;
    }

    private SpectralNorm(Module owner, float bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("spectral-norm bound must be > 0, got " + bound);
        }
        this.owner = owner;
        this.bound = bound;
    }

    private void initialize(NDArray weight, Shape uShape, Shape vShape) {
        NDManager modelManager = weight.getManager();
        try (NDManager tmp = modelManager.newSubManager()) {
            NDArray u0 = normalize(tmp.randomNormal(uShape));
            NDArray v0 = normalize(tmp.randomNormal(vShape));
            u0.attach(modelManager);
            v0.attach(modelManager);
            owner.registerBuffer(U, u0);
            owner.registerBuffer(V, v0);
            for (int i = 0; i < WARMUP_ITERATIONS; i++) {
                powerIteration(weight);
            }
        }
    }

    float bound() {
        return bound;
    }

    /**
     * A(W) x for x of the shape of v; intermediates derived from the weight go to {@code manager}, the result (shape
     * of u) may live in any manager.
     */
    abstract NDArray apply(NDArray weight, NDArray x, NDManager manager);

    /** A(W)ᵀ y for y of the shape of u, without gradient; the result (shape of v) may live in any manager. */
    abstract NDArray applyTransposed(NDArray weight, NDArray y, NDManager manager);

    private static NDArray normalize(NDArray x) {
        return x.div(x.norm().add(EPS));
    }

    /** One power-iteration update of the stored u and v, without gradient. */
    private void powerIteration(NDArray weight) {
        NDManager modelManager = owner.buffer(U).getManager();
        try (NDManager tmp = modelManager.newSubManager()) {
            NDArray w = Module.scoped(weight.stopGradient(), tmp);
            NDArray u = Module.scoped(owner.buffer(U).duplicate(), tmp);
            NDArray vNew = normalize(Module.scoped(applyTransposed(w, u, tmp), tmp));
            vNew.attach(tmp);
            NDArray uNew = normalize(Module.scoped(apply(w, vNew, tmp), tmp));
            uNew.attach(modelManager);
            vNew.attach(modelManager);
            owner.replaceBuffer(U, uNew);
            owner.replaceBuffer(V, vNew);
        }
    }

    /**
     * The normalized weight for this forward pass, created in {@code stepManager}.
     *
     * @param updateVectors true in training: one power iteration before normalizing
     */
    NDArray normalized(NDArray weight, NDManager stepManager, boolean updateVectors) {
        if (updateVectors) {
            powerIteration(weight);
        }
        NDArray u = Module.scoped(owner.buffer(U).duplicate(), stepManager);
        NDArray v = Module.scoped(owner.buffer(V).duplicate(), stepManager);
        NDArray av = Module.scoped(apply(weight, v, stepManager), stepManager);
        NDArray sigma = av.mul(u).sum();
        NDArray factor = Scalars.maximum(Scalars.div(sigma, bound), 1);
        return Module.scoped(weight.div(factor), stepManager);
    }

    /** σ = ⟨u, A(W) v⟩ with the stored vectors, the estimate the layer normalizes with (no gradient). */
    double estimate(NDArray weight) {
        try (NDManager tmp = owner.buffer(U).getManager().newSubManager()) {
            NDArray w = Module.scoped(weight.stopGradient(), tmp);
            NDArray u = Module.scoped(owner.buffer(U).duplicate(), tmp);
            NDArray v = Module.scoped(owner.buffer(V).duplicate(), tmp);
            return Module.scoped(apply(w, v, tmp), tmp)
                    .mul(u)
                    .sum()
                    .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .getDouble();
        }
    }

    private static final class MatrixNorm extends SpectralNorm {

        MatrixNorm(Module owner, float bound) {
            super(owner, bound);
        }

        private static NDArray matrix(NDArray weight) {
            long out = weight.getShape().get(0);
            return weight.reshape(out, weight.getShape().size() / out);
        }

        @Override
        NDArray apply(NDArray weight, NDArray x, NDManager manager) {
            return Module.scoped(matrix(weight), manager)
                    .matMul(x.expandDims(1))
                    .squeeze(1);
        }

        @Override
        NDArray applyTransposed(NDArray weight, NDArray y, NDManager manager) {
            return Module.scoped(matrix(weight).transpose(), manager)
                    .matMul(y.expandDims(1))
                    .squeeze(1);
        }
    }

    private static final class ConvolutionNorm extends SpectralNorm {
        private final int kernel;
        private final int stride;
        private final int padding;
        private final int height;
        private final int width;
        private final int outHeight;
        private final int outWidth;

        ConvolutionNorm(
                Module owner,
                float bound,
                int kernel,
                int stride,
                int padding,
                int height,
                int width,
                int outHeight,
                int outWidth) {
            super(owner, bound);
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
            this.height = height;
            this.width = width;
            this.outHeight = outHeight;
            this.outWidth = outWidth;
        }

        @Override
        NDArray apply(NDArray weight, NDArray x, NDManager manager) {
            return x.getNDArrayInternal()
                    .convolution(
                            x, weight, null, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                    .singletonOrThrow();
        }

        /**
         * The transposed convolution: (Aᵀy)[ci, r, c] = Σ W[co, ci, a, b] y[co, i, j] over s·i + a − p = r,
         * s·j + b − p = c. Inserting s − 1 zeros after every row and column of y (Z[s·i] = y[i]) and padding Z with
         * k − 1 − p zeros before and H + p − s·H_out after (rows; columns alike) turns it into a stride-1
         * correlation of Z with the kernel flipped in both spatial axes and with in/out channels swapped.
         */
        @Override
        NDArray applyTransposed(NDArray weight, NDArray y, NDManager manager) {
            NDArray z = dilate(dilate(y, 2, manager), 3, manager);
            int before = kernel - 1 - padding;
            int afterRows = height + padding - stride * outHeight;
            int afterColumns = width + padding - stride * outWidth;
            int symmetric = 0;
            if (afterRows == before && afterColumns == before) {
                symmetric = before; // the usual case (stride 1, or even sizes): the convolution pads by itself
            } else {
                z = pad(z, 2, before, afterRows, manager);
                z = pad(z, 3, before, afterColumns, manager);
            }
            NDArray flipped = Module.scoped(weight.transpose(1, 0, 2, 3).flip(2, 3), manager);
            return z.getNDArrayInternal()
                    .convolution(z, flipped, null, new Shape(1, 1), new Shape(symmetric, symmetric), new Shape(1, 1), 1)
                    .singletonOrThrow();
        }

        /** s − 1 zeros after every entry along {@code axis} (2 or 3 of a 4-d array). */
        private NDArray dilate(NDArray x, int axis, NDManager manager) {
            if (stride == 1) {
                return x;
            }
            NDArray e = x.expandDims(axis + 1);
            Shape s = e.getShape();
            long[] zerosShape = s.getShape();
            zerosShape[axis + 1] = stride - 1L;
            NDArray zeros = manager.zeros(new Shape(zerosShape), x.getDataType(), x.getDevice());
            NDArray joined = e.concat(zeros, axis + 1);
            long[] merged = x.getShape().getShape();
            merged[axis] *= stride;
            return Module.scoped(joined.reshape(new Shape(merged)), manager);
        }

        /** {@code before} zeros before and {@code after} zeros after along {@code axis}; a negative count removes. */
        private static NDArray pad(NDArray x, int axis, int before, int after, NDManager manager) {
            NDArray out = x;
            if (after < 0) {
                long keep = x.getShape().get(axis) + after;
                out = out.get(
                        axis == 2
                                ? new ai.djl.ndarray.index.NDIndex(":, :, :{}", keep)
                                : new ai.djl.ndarray.index.NDIndex(":, :, :, :{}", keep));
                after = 0;
            }
            if (before > 0) {
                out = zerosLike(out, axis, before, manager).concat(out, axis);
            }
            if (after > 0) {
                out = out.concat(zerosLike(out, axis, after, manager), axis);
            }
            return Module.scoped(out, manager);
        }

        private static NDArray zerosLike(NDArray x, int axis, int count, NDManager manager) {
            long[] shape = x.getShape().getShape();
            shape[axis] = count;
            return manager.zeros(new Shape(shape), x.getDataType(), x.getDevice());
        }
    }
}
