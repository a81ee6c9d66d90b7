package io.softcifar.ml.eval;

import io.softcifar.ml.metrics.ClassifierEvaluation;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.metrics.MetricSet;
import io.softcifar.ml.metrics.OodMetrics;
import io.softcifar.ml.metrics.Scores;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of the clean predictions: the test split's classifier metrics (and those of its SNGP Monte-Carlo and
 * reference variants), then per OOD set AUROC and AUPR of every score the predictions have.
 */
final class OutputMetrics {

    /**
     * The clean predictions of one image set.
     *
     * @param mc SNGP Monte Carlo: mean softmax over the logit draws, or null
     * @param mcLogits SNGP Monte Carlo: mean of the drawn logits, or null
     * @param reference the reference code's probabilities where they differ from ours, or null
     */
    record Predicted(EvaluationResult.Outputs outputs, float[] mc, float[] mcLogits, float[] reference) {}

    private OutputMetrics() {}

    static MetricSet.Builder of(
            Predicted predicted, int[] labels, double[][] softLabels, Map<String, Predicted> ood, int classes) {
        EvaluationResult.Outputs test = predicted.outputs();
        double[][] probs = test.probabilityMatrix();
        MetricSet testMetrics = ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST, probs, labels, softLabels);
        MetricSet.Builder metrics =
                MetricSet.builder().putAll(testMetrics.metrics()).reliability(testMetrics.reliability());
        boolean mc = predicted.mc() != null;
        if (mc) {
            metrics.putAll(ClassifierEvaluation.evaluate(
                            MetricNames.SPLIT_TEST_MC,
                            EvaluationResult.toMatrix(predicted.mc(), test.count(), classes),
                            labels,
                            softLabels)
                    .metrics());
            metrics.putAll(ClassifierEvaluation.evaluate(
                            MetricNames.SPLIT_TEST_MC_LOGITS,
                            softmaxRows(EvaluationResult.toMatrix(predicted.mcLogits(), test.count(), classes)),
                            labels,
                            softLabels)
                    .metrics());
        }
        double[][] refProbs = predicted.reference() == null
                ? null
                : EvaluationResult.toMatrix(predicted.reference(), test.count(), classes);
        if (refProbs != null) {
            metrics.putAll(ClassifierEvaluation.evaluate(MetricNames.SPLIT_TEST_REFERENCE, refProbs, labels, softLabels)
                    .metrics());
        }
        Map<String, double[]> testScores = ood.isEmpty() ? Map.of() : scores(predicted, mc, refProbs != null, classes);
        for (Map.Entry<String, Predicted> e : ood.entrySet()) {
            String set = e.getKey();
            Map<String, double[]> oodScores = scores(e.getValue(), mc, refProbs != null, classes);
            testScores.forEach((score, in) -> putOod(metrics, set, score, in, oodScores.get(score)));
        }
        return metrics;
    }

    /** Row-wise softmax in double (of the reference's mean of drawn logits). */
    private static double[][] softmaxRows(double[][] logits) {
        double[][] out = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v);
            }
            double z = 0;
            out[i] = new double[logits[i].length];
            for (int k = 0; k < logits[i].length; k++) {
                out[i][k] = Math.exp(logits[i][k] - max);
                z += out[i][k];
            }
            for (int k = 0; k < logits[i].length; k++) {
                out[i][k] /= z;
            }
        }
        return out;
    }

    /**
     * The OOD scores of one image set by score name, in the order their metrics are reported: max logit, max
     * probability, the method's native score, with {@code mc} the SNGP Monte-Carlo ones, with {@code reference} the
     * max of the reference's distribution. The test split and every OOD set get the same scores.
     */
    private static Map<String, double[]> scores(Predicted p, boolean mc, boolean reference, int classes) {
        EvaluationResult.Outputs o = p.outputs();
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put(MetricNames.SCORE_MAX_LOGIT, Scores.maxLogit(o.logitMatrix()));
        scores.put(MetricNames.SCORE_MAX_PROB, Scores.maxProbability(o.probabilityMatrix()));
        scores.put(MetricNames.SCORE_NATIVE, o.nativeScoreVector());
        if (mc) {
            scores.put(
                    MetricNames.SCORE_MC_MAX_PROB,
                    Scores.maxProbability(EvaluationResult.toMatrix(p.mc(), o.count(), classes)));
            scores.put(
                    MetricNames.SCORE_MC_LOGITS_MAX_LOGIT,
                    Scores.maxLogit(EvaluationResult.toMatrix(p.mcLogits(), o.count(), classes)));
        }
        if (reference) {
            scores.put(
                    MetricNames.SCORE_REFERENCE_MAX_PROB,
                    Scores.maxProbability(EvaluationResult.toMatrix(p.reference(), o.count(), classes)));
        }
        return scores;
    }

    private static void putOod(MetricSet.Builder metrics, String set, String score, double[] in, double[] out) {
        metrics.put(MetricNames.oodAuroc(set, score), OodMetrics.auroc(in, out));
        metrics.put(MetricNames.oodAupr(set, score), OodMetrics.aupr(in, out));
    }
}
