package io.softcifar.ml.eval;

import io.softcifar.ml.metrics.MetricSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one evaluation produced: the metrics (with the reliability diagram), what was evaluated, the raw
 * per-example outputs they were computed from (for {@link EvaluationDump}), timings and notes.
 *
 * <p>Every metric is computed from exactly the float32 values held here (widened to double), so recomputing a metric
 * from the dump with NumPy in float64 reproduces it to round-off.
 *
 * @param metrics test/*, test_mc/* and test_mc_logits/* (SNGP Monte Carlo on request), ood/*, fgsm/* metrics and the 10-bin
 *     reliability diagram of the test split (predicted confidence)
 * @param info what was evaluated and how
 * @param test model outputs on the test split, row i ↔ {@code testIndices[i]}
 * @param testIndices indices of the test images in the dataset (the seed's split, in split order)
 * @param testLabels hard labels (argmax of the soft label) of the test images
 * @param testSoftLabels human label distribution of the test images (N × C)
 * @param testMcProbabilities SNGP Monte-Carlo probabilities (N × C, row-major) or null
 * @param ood per OOD set name, its subset and outputs, in the order given
 * @param fgsm one entry per ε, in the order given
 * @param timing wall-clock seconds per phase
 * @param notes things the user should know (e.g. an OOD set smaller than the test split); empty if none
 */
public record EvaluationResult(
        MetricSet metrics,
        Info info,
        Outputs test,
        int[] testIndices,
        int[] testLabels,
        double[][] testSoftLabels,
        float[] testMcProbabilities,
        Map<String, OodOutputs> ood,
        List<FgsmOutcome> fgsm,
        Timing timing,
        List<String> notes) {

    /**
     * Raw model outputs of N images.
     *
     * @param count N
     * @param classes C
     * @param probabilities N × C predictive distribution, row-major
     * @param logits N × C raw scores (mean logits over the passes for MC Dropout, GP mean logits for SNGP, kernel
     *     values for DUQ), row-major
     * @param nativeScores N method-native OOD scores, higher = more in-distribution (max probability for basic and
     *     MC Dropout, −predictive variance for SNGP, max kernel value for DUQ)
     */
    public record Outputs(int count, int classes, float[] probabilities, float[] logits, float[] nativeScores) {

        /** The probabilities as an N × C double matrix (exact widening of the float32 values). */
        public double[][] probabilityMatrix() {
            return matrix(probabilities);
        }

        /** The logits as an N × C double matrix. */
        public double[][] logitMatrix() {
            return matrix(logits);
        }

        /** The native scores as doubles. */
        public double[] nativeScoreVector() {
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = nativeScores[i];
            }
            return out;
        }

        double[][] matrix(float[] flat) {
            return toMatrix(flat, count, classes);
        }
    }

    /**
     * Model outputs on one out-of-distribution set.
     *
     * @param name svhn or cifar100
     * @param available images in the file
     * @param indices indices (into the file) of the evaluated subset
     * @param outputs model outputs on that subset
     * @param mcProbabilities SNGP Monte-Carlo probabilities (M × C, row-major) or null
     */
    public record OodOutputs(String name, int available, int[] indices, Outputs outputs, float[] mcProbabilities) {}

    /**
     * What an FGSM attack of one strength did to the test points.
     *
     * @param epsilon ε
     * @param metricName {@code fgsm/<ε>_decrease}
     * @param attacked number of test points attacked (those classified correctly before)
     * @param flipped number of those classified wrongly after the attack
     * @param decrease flipped / attacked (0 if nothing was attacked)
     * @param predictionsAfter per test point: the prediction on the attacked image, −1 where not attacked
     */
    public record FgsmOutcome(
            double epsilon, String metricName, int attacked, int flipped, double decrease, int[] predictionsAfter) {}

    /**
     * What was evaluated, and how.
     *
     * @param checkpoint the checkpoint file, or null for an in-memory model (benchmark)
     * @param method basic, dropout, sngp or duq
     * @param depth ResNet depth
     * @param trainedOn soft or hard
     * @param seed the run seed (split, OOD subsets)
     * @param epochsCompleted epochs the checkpoint had completed
     * @param bestEpoch epoch of the lowest validation loss recorded in the checkpoint
     * @param classes C
     * @param testCount test-split size
     * @param passes stochastic passes per prediction (S for MC Dropout, else 1)
     * @param sngpMcSamples logit draws of the SNGP Monte-Carlo evaluation (0 = not run)
     * @param device device evaluated on
     */
    public record Info(
            String checkpoint,
            String method,
            int depth,
            String trainedOn,
            long seed,
            int epochsCompleted,
            int bestEpoch,
            int classes,
            int testCount,
            int passes,
            int sngpMcSamples,
            String device) {}

    /**
     * Wall-clock seconds. Throughputs count images (an MC Dropout image of S passes counts once).
     *
     * @param setupSeconds model construction and checkpoint restore
     * @param testSeconds clean inference on the test split
     * @param oodSeconds inference on all OOD subsets
     * @param fgsmSeconds all FGSM attacks (gradient + one prediction per ε)
     * @param metricSeconds metric computation from the outputs
     * @param totalSeconds the whole evaluation, including setup
     * @param testImagesPerSecond test images / testSeconds
     * @param fgsmImagesPerSecond attacked images × number of ε / fgsmSeconds (0 if no attack ran)
     */
    public record Timing(
            double setupSeconds,
            double testSeconds,
            double oodSeconds,
            double fgsmSeconds,
            double metricSeconds,
            double totalSeconds,
            double testImagesPerSecond,
            double fgsmImagesPerSecond) {

        /**
         * The seconds of each phase by name, in this order: setup, test, ood, fgsm, metric, total (the reports name
         * them {@code <phase>_seconds} or {@code <phase>Seconds}).
         */
        public Map<String, Double> phaseSeconds() {
            Map<String, Double> phases = new LinkedHashMap<>();
            phases.put("setup", setupSeconds);
            phases.put("test", testSeconds);
            phases.put("ood", oodSeconds);
            phases.put("fgsm", fgsmSeconds);
            phases.put("metric", metricSeconds);
            phases.put("total", totalSeconds);
            return phases;
        }
    }

    /** A JSON-ready summary (the {@code ./softcifar evaluate --json} object): info, metrics, reliability, notes. */
    public Map<String, Object> summary() {
        Map<String, Object> out = infoMap();
        Map<String, Object> oodSizes = new LinkedHashMap<>();
        ood.forEach((name, o) -> {
            Map<String, Object> sizes = new LinkedHashMap<>();
            sizes.put("evaluated", o.indices().length);
            sizes.put("available", o.available());
            oodSizes.put(name, sizes);
        });
        out.put("ood_images", oodSizes);
        Map<String, Object> attacked = new LinkedHashMap<>();
        for (FgsmOutcome f : fgsm) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("attacked", f.attacked());
            counts.put("flipped", f.flipped());
            attacked.put(f.metricName(), counts);
        }
        out.put("fgsm_points", attacked);
        out.put("metrics", metrics.metrics());
        out.put("reliability", metrics.reliability());
        Map<String, Object> t = new LinkedHashMap<>();
        timing.phaseSeconds().forEach((phase, seconds) -> t.put(phase + "_seconds", seconds));
        t.put("test_images_per_second", timing.testImagesPerSecond());
        t.put("fgsm_images_per_second", timing.fgsmImagesPerSecond());
        out.put("timing", t);
        out.put("notes", notes);
        return out;
    }

    /** What was evaluated, with snake_case keys (the head of {@link #summary()} and of the dump's index). */
    public Map<String, Object> infoMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkpoint", info.checkpoint());
        out.put("method", info.method());
        out.put("depth", info.depth());
        out.put("trained_on", info.trainedOn());
        out.put("seed", info.seed());
        out.put("epochs_completed", info.epochsCompleted());
        out.put("best_epoch", info.bestEpoch());
        out.put("classes", info.classes());
        out.put("test_images", info.testCount());
        out.put("passes", info.passes());
        out.put("sngp_mc_samples", info.sngpMcSamples());
        out.put("device", info.device());
        return out;
    }

    static double[][] toMatrix(float[] flat, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = flat[i * cols + j];
            }
        }
        return out;
    }
}
