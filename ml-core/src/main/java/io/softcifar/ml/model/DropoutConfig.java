package io.softcifar.ml.model;

/**
 * MC Dropout (Gal and Ghahramani 2016): dropout after every activation of the backbone, kept on at prediction time.
 *
 * @param rate dropout rate p, in [0, 1)
 * @param mcSamples S, stochastic passes averaged at prediction time
 */
public record DropoutConfig(double rate, int mcSamples) implements MethodConfig {

    /** PROTOCOL.md: p = 0.1, S = 10. */
    public static final DropoutConfig DEFAULTS = new DropoutConfig(0.1, 10);

    public DropoutConfig {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        if (mcSamples < 1) {
            throw new IllegalArgumentException("mc-samples: must be >= 1, got " + mcSamples);
        }
    }

    @Override
    public Method method() {
        return Method.DROPOUT;
    }

    @Override
    public double backboneDropout() {
        return rate;
    }

    @Override
    public int predictionPasses(int requested) {
        return requested;
    }

    public DropoutConfig withRate(double newRate) {
        return new DropoutConfig(newRate, mcSamples);
    }

    public DropoutConfig withMcSamples(int samples) {
        return new DropoutConfig(rate, samples);
    }
}
