package io.softcifar.ml.model;

/**
 * SNGP (Liu et al. 2020): spectral normalization of every backbone conv and a random-feature Gaussian-process output
 * layer.
 *
 * @param spectralBound c, spectral-norm bound of every conv
 * @param features random Fourier features of the GP output layer
 * @param kernelScale kernel length scale of the random features
 * @param ridge ridge penalty of the precision matrix
 * @param meanFieldFactor λ of the mean-field approximation (π/8)
 * @param formulation how the GP layer draws and scales its random features ({@link GpFormulation}); null (a
 *     checkpoint header written before the field existed) reads as {@link GpFormulation#LIU2020}, the formulation
 *     those checkpoints were trained with
 */
public record SngpConfig(
        double spectralBound,
        int features,
        double kernelScale,
        double ridge,
        double meanFieldFactor,
        GpFormulation formulation)
        implements MethodConfig {

    /** PROTOCOL.md: c = 3, 1024 features, ℓ = 1, ridge 1, λ = π/8, the reference's formulation. */
    public static final SngpConfig DEFAULTS = new SngpConfig(3.0, 1024, 1.0, 1.0, Math.PI / 8, GpFormulation.REFERENCE);

    public SngpConfig {
        if (formulation == null) {
            formulation = GpFormulation.LIU2020;
        }
        if (!(spectralBound > 0)) {
            throw new IllegalArgumentException("spectral bound: must be > 0, got " + spectralBound);
        }
        if (features < 1) {
            throw new IllegalArgumentException("gp features: must be >= 1, got " + features);
        }
        if (!(kernelScale > 0) || !(ridge > 0)) {
            throw new IllegalArgumentException(
                    "gp kernel scale and gp ridge must be > 0, got " + kernelScale + " and " + ridge);
        }
    }

    @Override
    public Method method() {
        return Method.SNGP;
    }

    @Override
    public Float backboneSpectralBound() {
        return (float) spectralBound;
    }

    public SngpConfig withFeatures(int n) {
        return new SngpConfig(spectralBound, n, kernelScale, ridge, meanFieldFactor, formulation);
    }

    public SngpConfig withKernelScale(double scale) {
        return new SngpConfig(spectralBound, features, scale, ridge, meanFieldFactor, formulation);
    }

    public SngpConfig withRidge(double r) {
        return new SngpConfig(spectralBound, features, kernelScale, r, meanFieldFactor, formulation);
    }

    public SngpConfig withFormulation(GpFormulation f) {
        return new SngpConfig(spectralBound, features, kernelScale, ridge, meanFieldFactor, f);
    }
}
