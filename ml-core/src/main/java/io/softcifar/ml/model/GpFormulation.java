package io.softcifar.ml.model;

/**
 * How SNGP's random-feature Gaussian-process layer draws and scales its features and writes its posterior
 * (docs/science/sngp-gp-layer.md). Both give the same posterior for the same features; they differ in the
 * feature map, hence in the effective kernel length scale, the prior variance and the predictive variance.
 */
public enum GpFormulation {
    /**
     * The reference code ({@code wrappers/sngp_wrapper.py} of sam-laing/soft_cifar): weight D × in whose
     * <em>columns</em> (one per input dimension) are orthonormal (QR of a Gaussian matrix, as
     * {@code torch.nn.init.orthogonal_} on a D × in tensor), times gain 0.05, times a χ(D)-distributed norm per
     * column; φ = cos(W h/√ℓ + b) without a √(2/D) factor; precision P = Σ φφᵀ from 0 (reset to 0 at each epoch
     * start); covariance buffer C = (ridge·I + P)⁻¹; variance = ridge · φ C φᵀ.
     */
    REFERENCE("reference"),
    /**
     * Liu et al. (2020) / edward2: orthogonal random features with rows (one per feature) drawn from N(0, I) in
     * orthogonal blocks with χ(in) norms; φ = √(2/D) cos(W h/ℓ + b); precision P = ridge·I + Σ φφᵀ (reset to
     * ridge·I); covariance buffer Σ = ridge·P⁻¹; variance = φ Σ φᵀ. The layout of checkpoints written before the
     * formulation was configurable.
     */
    LIU2020("liu2020");

    private final String id;

    GpFormulation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static GpFormulation parse(String text) {
        return EnumIds.parse(values(), GpFormulation::id, text, "gp-formulation: unknown ");
    }
}
