package io.softcifar.ml.model;

/**
 * The settings of one uncertainty method: one record per method, each validating its own fields. What the method
 * asks of the shared backbone (dropout after every activation, spectral normalization) is answered here, so that
 * {@link ResNet} and {@link CifarNet} never ask which method they build.
 *
 * <p>Sealed: Java requires the permitted records to sit in this package (ml-core is not a named module); the head
 * that uses a config lives in the method's own package ({@code model.basic}, {@code model.dropout},
 * {@code model.sngp}, {@code model.duq}), and {@link Method} maps a name to both.
 */
public sealed interface MethodConfig permits BasicConfig, DropoutConfig, SngpConfig, DuqConfig {

    /** The catalogue entry of this method. */
    Method method();

    /** Dropout rate after every activation of the backbone (0 = none). */
    default double backboneDropout() {
        return 0.0;
    }

    /** The bound c of the spectral normalization of every backbone conv, or null for none. */
    default Float backboneSpectralBound() {
        return null;
    }

    /** Stochastic passes a prediction averages by default (MC Dropout's S; 1 for the deterministic methods). */
    default int mcSamples() {
        return 1;
    }

    /** Stochastic forward passes an evaluation with {@code requested} MC samples makes per image (1 if deterministic). */
    default int predictionPasses(int requested) {
        return 1;
    }
}
