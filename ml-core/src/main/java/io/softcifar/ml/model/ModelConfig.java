package io.softcifar.ml.model;

/**
 * Architecture and method settings. Defaults are PROTOCOL.md's.
 *
 * @param method basic, MC dropout, SNGP or DUQ
 * @param depth CIFAR ResNet depth 6n+2 (20, 32, 44, 56, 110)
 * @param classes number of classes (10)
 * @param dropoutRate MC Dropout rate p (used by {@link Method#DROPOUT} only)
 * @param mcSamples S, stochastic passes averaged by MC Dropout at prediction time
 * @param spectralBound c, spectral-norm bound of SNGP
 * @param gpFeatures random Fourier features of the SNGP output layer
 * @param gpKernelScale kernel length scale of the random features
 * @param gpRidge ridge penalty of the SNGP precision matrix
 * @param gpMeanFieldFactor λ of the mean-field approximation (π/8)
 * @param gpFormulation how the GP layer draws and scales its random features ({@link GpFormulation}); a header
 *     without this field (a checkpoint written before it existed) reads as {@link GpFormulation#LIU2020}, the
 *     formulation those checkpoints were trained with
 * @param duqEmbedding embedding size of DUQ
 * @param duqLengthScale σ of the DUQ RBF kernel
 * @param duqMomentum γ, EMA momentum of the DUQ centroids
 * @param duqGradientPenalty λ of DUQ's two-sided gradient penalty
 * @param imageSize height = width of the input images (32): SNGP's spectral normalization bounds each 3×3 conv's
 *     operator norm on the shape that conv sees, and its power-iteration vectors have that shape. 0 (what a
 *     checkpoint header written before the field existed yields) means 32.
 */
public record ModelConfig(
        Method method,
        int depth,
        int classes,
        double dropoutRate,
        int mcSamples,
        double spectralBound,
        int gpFeatures,
        double gpKernelScale,
        double gpRidge,
        double gpMeanFieldFactor,
        GpFormulation gpFormulation,
        int duqEmbedding,
        double duqLengthScale,
        double duqMomentum,
        double duqGradientPenalty,
        int imageSize) {

    /** CIFAR's 32×32 images. */
    public static final int DEFAULT_IMAGE_SIZE = 32;

    public ModelConfig {
        if (imageSize == 0) {
            imageSize = DEFAULT_IMAGE_SIZE;
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size: must be >= 1 pixel, got " + imageSize);
        }
        if (gpFormulation == null) {
            gpFormulation = GpFormulation.LIU2020;
        }
        if (method == null) {
            throw new IllegalArgumentException("method: required");
        }
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("depth: must be 6n+2 with n >= 1 (20, 32, 44, 56, 110), got " + depth);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes: must be >= 2, got " + classes);
        }
        if (!(dropoutRate >= 0 && dropoutRate < 1)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + dropoutRate);
        }
        if (mcSamples < 1) {
            throw new IllegalArgumentException("mc-samples: must be >= 1, got " + mcSamples);
        }
        if (!(spectralBound > 0)) {
            throw new IllegalArgumentException("spectral bound: must be > 0, got " + spectralBound);
        }
        if (gpFeatures < 1 || duqEmbedding < 1) {
            throw new IllegalArgumentException("gp features and duq embedding must be >= 1");
        }
        if (!(gpKernelScale > 0) || !(gpRidge > 0) || !(duqLengthScale > 0)) {
            throw new IllegalArgumentException("gp kernel scale, gp ridge and duq length scale must be > 0");
        }
        if (!(duqMomentum > 0 && duqMomentum < 1)) {
            throw new IllegalArgumentException("duq momentum: must be in (0, 1), got " + duqMomentum);
        }
        if (!(duqGradientPenalty >= 0)) {
            throw new IllegalArgumentException("duq gradient penalty: must be >= 0, got " + duqGradientPenalty);
        }
    }

    /** The settings with the reference's GP formulation ({@link GpFormulation#REFERENCE}). */
    public ModelConfig(Method method, int depth, int classes, double dropoutRate, int mcSamples, double spectralBound,
            int gpFeatures, double gpKernelScale, double gpRidge, double gpMeanFieldFactor, int duqEmbedding,
            double duqLengthScale, double duqMomentum, double duqGradientPenalty) {
        this(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures, gpKernelScale, gpRidge,
                gpMeanFieldFactor, GpFormulation.REFERENCE, duqEmbedding, duqLengthScale, duqMomentum,
                duqGradientPenalty, DEFAULT_IMAGE_SIZE);
    }

    /** The settings for 32×32 images (the components before {@code imageSize} existed). */
    public ModelConfig(Method method, int depth, int classes, double dropoutRate, int mcSamples, double spectralBound,
            int gpFeatures, double gpKernelScale, double gpRidge, double gpMeanFieldFactor,
            GpFormulation gpFormulation, int duqEmbedding, double duqLengthScale, double duqMomentum,
            double duqGradientPenalty) {
        this(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures, gpKernelScale, gpRidge,
                gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty,
                DEFAULT_IMAGE_SIZE);
    }

    /** The settings with the reference's GP formulation for images of {@code imageSize} pixels. */
    public ModelConfig(Method method, int depth, int classes, double dropoutRate, int mcSamples, double spectralBound,
            int gpFeatures, double gpKernelScale, double gpRidge, double gpMeanFieldFactor, int duqEmbedding,
            double duqLengthScale, double duqMomentum, double duqGradientPenalty, int imageSize) {
        this(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures, gpKernelScale, gpRidge,
                gpMeanFieldFactor, GpFormulation.REFERENCE, duqEmbedding, duqLengthScale, duqMomentum,
                duqGradientPenalty, imageSize);
    }

    /** The protocol's settings for a method (MC dropout rate 0.1 unless changed with {@link #withDropoutRate}). */
    public static ModelConfig defaults(Method method) {
        return new ModelConfig(method, 20, 10, method == Method.DROPOUT ? 0.1 : 0.0, 10,
                3.0, 1024, 1.0, 1.0, Math.PI / 8, GpFormulation.REFERENCE, 1024, 0.1, 0.999, 0.1,
                DEFAULT_IMAGE_SIZE);
    }

    public ModelConfig withDepth(int newDepth) {
        return new ModelConfig(method, newDepth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty,
                imageSize);
    }

    public ModelConfig withDropoutRate(double rate) {
        return new ModelConfig(method, depth, classes, rate, mcSamples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty,
                imageSize);
    }

    public ModelConfig withMcSamples(int samples) {
        return new ModelConfig(method, depth, classes, dropoutRate, samples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty,
                imageSize);
    }

    public ModelConfig withDuqEmbedding(int size) {
        return new ModelConfig(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, size, duqLengthScale, duqMomentum, duqGradientPenalty,
                imageSize);
    }

    public ModelConfig withGpFeatures(int features) {
        return new ModelConfig(method, depth, classes, dropoutRate, mcSamples, spectralBound, features,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty,
                imageSize);
    }

    public ModelConfig withImageSize(int size) {
        return new ModelConfig(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation, duqEmbedding, duqLengthScale, duqMomentum,
                duqGradientPenalty, size);
    }

    public ModelConfig withGpFormulation(GpFormulation formulation) {
        return new ModelConfig(method, depth, classes, dropoutRate, mcSamples, spectralBound, gpFeatures,
                gpKernelScale, gpRidge, gpMeanFieldFactor, formulation, duqEmbedding, duqLengthScale, duqMomentum,
                duqGradientPenalty,
                imageSize);
    }

    /** Blocks per stage: depth = 6n + 2. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }

    /** Dropout is applied after every activation only for MC dropout. */
    public double effectiveDropout() {
        return method == Method.DROPOUT ? dropoutRate : 0.0;
    }

    /** Spectral normalization of every conv/linear only for SNGP. */
    public Float spectralBoundOrNull() {
        return method == Method.SNGP ? (float) spectralBound : null;
    }
}
