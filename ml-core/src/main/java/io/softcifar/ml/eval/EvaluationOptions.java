package io.softcifar.ml.eval;

import io.softcifar.ml.metrics.MetricNames;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How to evaluate (what to compute is fixed by PROTOCOL.md, "Metrics").
 *
 * @param fgsmEpsilons FGSM step sizes ε in pixel units of [0, 1] (0.005 by default); each gives
 *     {@code fgsm/<ε>_decrease}. Empty = no attack. Each must be finite and in [0, 1]; two ε with the same metric
 *     name (e.g. 0.01 and 0.010) are rejected.
 * @param mcSamples S, stochastic passes averaged by MC Dropout (clean predictions <em>and</em> the attacked loss);
 *     ignored by the deterministic methods
 * @param sngpMcSamples SNGP only: if &gt; 0, also the Monte-Carlo predictive distribution with this many logit
 *     draws per image, reported under the split {@code test_mc} (mean softmax over the draws) and, as the reference
 *     forms it, {@code test_mc_logits} (softmax of the mean drawn logits); the primary {@code test/*} metrics stay
 *     mean-field;
 *     0 = off
 * @param device cpu, gpu or auto
 * @param batchSize images per inference batch (FGSM uses smaller batches, see {@link Evaluator})
 */
public record EvaluationOptions(
        List<Double> fgsmEpsilons, int mcSamples, int sngpMcSamples, String device, int batchSize) {

    public static final double DEFAULT_EPSILON = 0.005;
    public static final int DEFAULT_MC_SAMPLES = 10;
    public static final int DEFAULT_BATCH = 250;

    public EvaluationOptions {
        fgsmEpsilons = fgsmEpsilons == null ? List.of(DEFAULT_EPSILON) : List.copyOf(fgsmEpsilons);
        Set<String> names = new HashSet<>();
        for (double eps : fgsmEpsilons) {
            if (!Double.isFinite(eps) || eps < 0 || eps > 1) {
                throw new IllegalArgumentException("fgsm: epsilon must be in [0, 1] (pixel scale), got " + eps);
            }
            if (!names.add(MetricNames.fgsmDecrease(eps))) {
                throw new IllegalArgumentException("fgsm: epsilon " + eps + " is listed twice");
            }
        }
        if (mcSamples < 1) {
            throw new IllegalArgumentException("mc-samples: must be >= 1, got " + mcSamples);
        }
        if (sngpMcSamples < 0) {
            throw new IllegalArgumentException("sngp-mc: must be >= 0 (0 = mean-field only), got " + sngpMcSamples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size: must be >= 1, got " + batchSize);
        }
        device = device == null ? "cpu" : device;
    }

    /** ε = 0.005, S = 10, no SNGP Monte Carlo, CPU, batches of 250. */
    public static EvaluationOptions defaults() {
        return new EvaluationOptions(List.of(DEFAULT_EPSILON), DEFAULT_MC_SAMPLES, 0, "cpu", DEFAULT_BATCH);
    }

    public EvaluationOptions withFgsmEpsilons(List<Double> eps) {
        return new EvaluationOptions(eps, mcSamples, sngpMcSamples, device, batchSize);
    }

    public EvaluationOptions withMcSamples(int s) {
        return new EvaluationOptions(fgsmEpsilons, s, sngpMcSamples, device, batchSize);
    }

    public EvaluationOptions withSngpMcSamples(int s) {
        return new EvaluationOptions(fgsmEpsilons, mcSamples, s, device, batchSize);
    }

    public EvaluationOptions withDevice(String d) {
        return new EvaluationOptions(fgsmEpsilons, mcSamples, sngpMcSamples, d, batchSize);
    }

    public EvaluationOptions withBatchSize(int b) {
        return new EvaluationOptions(fgsmEpsilons, mcSamples, sngpMcSamples, device, b);
    }
}
