package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A layer with a {@code weight} parameter that may be spectrally normalized (conv and linear). */
public abstract class WeightLayer extends Module {

    private SpectralNorm spectralNorm;

    /** Registers the weight and, with a non-null bound, its spectral normalization as a matrix (out, rest). */
    protected final NDArray registerWeight(NDArray weight, Float spectralBound) {
        registerParameter("weight", weight);
        spectralNorm = spectralBound == null ? null : SpectralNorm.matrix(this, weight, spectralBound);
        return weight;
    }

    /**
     * Registers a convolution weight and, with a non-null bound, the spectral normalization of the convolution
     * operator on inputs of {@code height} × {@code width} pixels.
     */
    protected final NDArray registerConvolutionWeight(
            NDArray weight, Float spectralBound, int height, int width, int stride, int padding) {
        registerParameter("weight", weight);
        spectralNorm = spectralBound == null
                ? null
                : SpectralNorm.convolution(this, weight, spectralBound, height, width, stride, padding);
        return weight;
    }

    /** The weight this pass applies, created in {@code stepManager}; a training pass updates the power iteration. */
    protected final NDArray appliedWeight(NDManager stepManager, boolean training) {
        NDArray weight = parameter("weight");
        return spectralNorm == null ? weight : spectralNorm.normalized(weight, stepManager, training);
    }

    /** The weight actually applied in inference (normalized where spectral normalization is on), as a copy in {@code manager}. */
    public final NDArray effectiveWeight(NDManager manager) {
        NDArray weight = parameter("weight");
        return spectralNorm == null
                ? Module.scoped(weight.duplicate(), manager)
                : spectralNorm.normalized(weight, manager, false);
    }

    public final boolean spectrallyNormalized() {
        return spectralNorm != null;
    }

    /**
     * The spectral-norm estimate σ = ⟨u, A(W) v⟩ from the stored power-iteration vectors (what the layer divides by,
     * before max(1, σ/c)), or NaN without spectral normalization.
     */
    public final double spectralNormEstimate() {
        return spectralNorm == null ? Double.NaN : spectralNorm.estimate(parameter("weight"));
    }
}
