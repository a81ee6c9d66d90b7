package io.softcifar.ml.model;

import com.fasterxml.jackson.databind.util.StdConverter;

/**
 * The JSON layout of a {@link ModelConfig} in checkpoint headers: flat, one field per setting of every method, in
 * the order of the record that held them all before the per-method records existed. Written: the model's own
 * settings, and the protocol defaults for the other methods' fields (dropout rate 0 unless MC Dropout), so that an
 * older reader, whose validation covers every field, reads it. Read: the fields of the model's method; the others are
 * ignored. A missing {@code gpFormulation} reads as {@link GpFormulation#LIU2020}, a missing {@code imageSize} as 32
 * (headers written before those fields existed).
 */
record ModelConfigJson(
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

    static ModelConfigJson of(ModelConfig m) {
        MethodConfig c = m.methodConfig();
        DropoutConfig d = c instanceof DropoutConfig own ? own : DropoutConfig.DEFAULTS.withRate(0.0);
        SngpConfig s = c instanceof SngpConfig own ? own : SngpConfig.DEFAULTS;
        DuqConfig q = c instanceof DuqConfig own ? own : DuqConfig.DEFAULTS;
        return new ModelConfigJson(
                m.method(),
                m.depth(),
                m.classes(),
                d.rate(),
                d.mcSamples(),
                s.spectralBound(),
                s.features(),
                s.kernelScale(),
                s.ridge(),
                s.meanFieldFactor(),
                s.formulation(),
                q.embedding(),
                q.lengthScale(),
                q.momentum(),
                q.gradientPenalty(),
                m.imageSize());
    }

    ModelConfig toModelConfig() {
        if (method == null) {
            throw new IllegalArgumentException("method: required");
        }
        MethodConfig config = switch (method) {
            case BASIC -> BasicConfig.DEFAULTS;
            case DROPOUT -> new DropoutConfig(dropoutRate, mcSamples);
            case SNGP ->
                new SngpConfig(spectralBound, gpFeatures, gpKernelScale, gpRidge, gpMeanFieldFactor, gpFormulation);
            case DUQ -> new DuqConfig(duqEmbedding, duqLengthScale, duqMomentum, duqGradientPenalty);
        };
        return new ModelConfig(config, depth, classes, imageSize);
    }

    /** Jackson: a model config is written as its flat JSON. */
    static final class FromModelConfig extends StdConverter<ModelConfig, ModelConfigJson> {
        @Override
        public ModelConfigJson convert(ModelConfig value) {
            return of(value);
        }
    }

    /** Jackson: flat JSON is read into a model config. */
    static final class ToModelConfig extends StdConverter<ModelConfigJson, ModelConfig> {
        @Override
        public ModelConfig convert(ModelConfigJson value) {
            return value.toModelConfig();
        }
    }
}
