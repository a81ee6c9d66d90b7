package io.softcifar.ml.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.function.UnaryOperator;

/**
 * Architecture and method settings. Defaults are PROTOCOL.md's.
 *
 * <p>In JSON (checkpoint headers) a model config keeps the flat layout it had before the per-method records
 * existed ({@link ModelConfigJson}): old checkpoints load, and older readers and {@code tools/crosscheck} read new
 * ones.
 *
 * @param methodConfig the method and its own settings (one record per method)
 * @param depth CIFAR ResNet depth 6n+2 (20, 32, 44, 56, 110)
 * @param classes number of classes (10)
 * @param imageSize height = width of the input images (32): SNGP's spectral normalization bounds each 3×3 conv's
 *     operator norm on the shape that conv sees, and its power-iteration vectors have that shape. 0 (what a
 *     checkpoint header written before the field existed yields) means 32.
 */
@JsonSerialize(converter = ModelConfigJson.FromModelConfig.class)
@JsonDeserialize(converter = ModelConfigJson.ToModelConfig.class)
public record ModelConfig(MethodConfig methodConfig, int depth, int classes, int imageSize) {

    /** CIFAR's 32×32 images. */
    public static final int DEFAULT_IMAGE_SIZE = 32;

    public ModelConfig {
        if (imageSize == 0) {
            imageSize = DEFAULT_IMAGE_SIZE;
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size: must be >= 1 pixel, got " + imageSize);
        }
        if (methodConfig == null) {
            throw new IllegalArgumentException("method: required");
        }
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("depth: must be 6n+2 with n >= 1 (20, 32, 44, 56, 110), got " + depth);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes: must be >= 2, got " + classes);
        }
    }

    /** The protocol's settings for a method: ResNet-20, 10 classes, 32×32 images, the method's defaults. */
    public static ModelConfig defaults(Method method) {
        return new ModelConfig(method.defaults(), 20, 10, DEFAULT_IMAGE_SIZE);
    }

    /** The method of {@link #methodConfig()}. */
    public Method method() {
        return methodConfig.method();
    }

    /**
     * The method's settings as their own type.
     *
     * @throws IllegalStateException naming both methods if this config is of another method
     */
    public <C extends MethodConfig> C methodConfig(Class<C> type) {
        if (!type.isInstance(methodConfig)) {
            throw new IllegalStateException(
                    "this is a " + method().id() + " model, not one configured by " + type.getSimpleName());
        }
        return type.cast(methodConfig);
    }

    public ModelConfig withMethodConfig(MethodConfig config) {
        return new ModelConfig(config, depth, classes, imageSize);
    }

    public ModelConfig withDepth(int newDepth) {
        return new ModelConfig(methodConfig, newDepth, classes, imageSize);
    }

    public ModelConfig withClasses(int n) {
        return new ModelConfig(methodConfig, depth, n, imageSize);
    }

    public ModelConfig withImageSize(int size) {
        return new ModelConfig(methodConfig, depth, classes, size);
    }

    /** MC Dropout's rate p; no change for the other methods (they have no dropout). */
    public ModelConfig withDropoutRate(double rate) {
        return ifMethod(DropoutConfig.class, d -> d.withRate(rate));
    }

    /** MC Dropout's S; no change for the other methods. */
    public ModelConfig withMcSamples(int samples) {
        return ifMethod(DropoutConfig.class, d -> d.withMcSamples(samples));
    }

    /** SNGP's number of random features; no change for the other methods. */
    public ModelConfig withGpFeatures(int features) {
        return ifMethod(SngpConfig.class, s -> s.withFeatures(features));
    }

    /** SNGP's GP formulation; no change for the other methods. */
    public ModelConfig withGpFormulation(GpFormulation formulation) {
        return ifMethod(SngpConfig.class, s -> s.withFormulation(formulation));
    }

    /** DUQ's embedding size; no change for the other methods. */
    public ModelConfig withDuqEmbedding(int size) {
        return ifMethod(DuqConfig.class, d -> d.withEmbedding(size));
    }

    /** This config with its method's settings changed if they are of {@code type}, otherwise unchanged. */
    private <C extends MethodConfig> ModelConfig ifMethod(Class<C> type, UnaryOperator<C> change) {
        return type.isInstance(methodConfig) ? withMethodConfig(change.apply(type.cast(methodConfig))) : this;
    }

    /** Blocks per stage: depth = 6n + 2. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }
}
