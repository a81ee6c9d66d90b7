package io.softcifar.ml.model;

/**
 * DUQ (van Amersfoort et al. 2020): RBF kernels to per-class centroids on top of the backbone features.
 *
 * @param embedding embedding size of each class
 * @param lengthScale σ of the RBF kernel
 * @param momentum γ, EMA momentum of the centroids, in (0, 1)
 * @param gradientPenalty λ of the two-sided gradient penalty (0 = none)
 */
public record DuqConfig(int embedding, double lengthScale, double momentum, double gradientPenalty)
        implements MethodConfig {

    /** PROTOCOL.md: embedding 1024, σ = 0.1, γ = 0.999, λ = 0.1. */
    public static final DuqConfig DEFAULTS = new DuqConfig(1024, 0.1, 0.999, 0.1);

    public DuqConfig {
        if (embedding < 1) {
            throw new IllegalArgumentException("duq embedding: must be >= 1, got " + embedding);
        }
        if (!(lengthScale > 0)) {
            throw new IllegalArgumentException("duq length scale: must be > 0, got " + lengthScale);
        }
        if (!(momentum > 0 && momentum < 1)) {
            throw new IllegalArgumentException("duq momentum: must be in (0, 1), got " + momentum);
        }
        if (!(gradientPenalty >= 0)) {
            throw new IllegalArgumentException("duq gradient penalty: must be >= 0, got " + gradientPenalty);
        }
    }

    @Override
    public Method method() {
        return Method.DUQ;
    }

    public DuqConfig withEmbedding(int size) {
        return new DuqConfig(size, lengthScale, momentum, gradientPenalty);
    }

    public DuqConfig withGradientPenalty(double lambda) {
        return new DuqConfig(embedding, lengthScale, momentum, lambda);
    }
}
