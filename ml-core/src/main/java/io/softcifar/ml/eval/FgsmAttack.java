package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.metrics.RobustnessMetrics;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.Augmentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The FGSM phase of an evaluation (see {@link Fgsm} for one step): the correctly classified test points attacked in
 * batches at every ε and re-predicted, giving each ε's decrease in accuracy.
 */
record FgsmAttack(
        CifarNet net,
        NDManager root,
        Augmentation normalization,
        EvaluationOptions options,
        int passes,
        Evaluator.Listener listener) {

    private int classes() {
        return net.config().classes();
    }

    /** FGSM for every ε on the correctly classified test points; one gradient per image serves every ε. */
    List<EvaluationResult.FgsmOutcome> attack(NDArray testX, int[] labels, boolean[] correctBefore) {
        List<Double> epsilons = options.fgsmEpsilons();
        int n = labels.length;
        int[][] after = new int[epsilons.size()][n];
        for (int[] a : after) {
            Arrays.fill(a, -1);
        }
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (correctBefore[i]) {
                targets.add(i);
            }
        }
        if (!epsilons.isEmpty()) {
            int batch = Math.max(1, Math.min(options.batchSize(), Evaluator.FGSM_BATCH) / passes);
            Fgsm.LogitModel model =
                    px -> net.predict(normalization.normalize(px), passes).predictiveLogits();
            for (int from = 0; from < targets.size(); from += batch) {
                int to = Math.min(targets.size(), from + batch);
                long[] idx = new long[to - from];
                long[] y = new long[to - from];
                for (int j = from; j < to; j++) {
                    idx[j - from] = targets.get(j);
                    y[j - from] = labels[targets.get(j)];
                }
                EvaluationThreads.beforeBatch();
                try (NDManager sm = root.newSubManager()) {
                    NDArray index = sm.create(idx);
                    NDArray xb = testX.get(index);
                    xb.attach(sm);
                    NDArray pixels = Augmentation.toUnitRange(xb);
                    NDArray oneHot = sm.create(y).oneHot(classes()).toType(DataType.FLOAT32, false);
                    NDArray sign = Fgsm.gradientSign(pixels, oneHot, model);
                    for (int e = 0; e < epsilons.size(); e++) {
                        NDArray adversarial = Fgsm.perturb(pixels, sign, epsilons.get(e));
                        long[][] pred = new long[1][];
                        Autograd.noGrad(() -> pred[0] = net.predict(normalization.normalize(adversarial), passes)
                                .probabilities()
                                .argMax(1)
                                .toLongArray());
                        for (int j = 0; j < pred[0].length; j++) {
                            after[e][(int) idx[j]] = (int) pred[0][j];
                        }
                    }
                }
                listener.progress("fgsm", to, targets.size());
            }
        }
        List<EvaluationResult.FgsmOutcome> out = new ArrayList<>();
        for (int e = 0; e < epsilons.size(); e++) {
            boolean[] correctAfter = new boolean[n];
            int flipped = 0;
            for (int i = 0; i < n; i++) {
                correctAfter[i] = after[e][i] == labels[i];
                if (correctBefore[i] && !correctAfter[i]) {
                    flipped++;
                }
            }
            double eps = epsilons.get(e);
            out.add(new EvaluationResult.FgsmOutcome(
                    eps,
                    MetricNames.fgsmDecrease(eps),
                    targets.size(),
                    flipped,
                    RobustnessMetrics.fgsmDecrease(correctBefore, correctAfter),
                    after[e]));
        }
        return out;
    }
}
