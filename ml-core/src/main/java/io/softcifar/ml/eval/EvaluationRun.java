package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.eval.Evaluator.Inputs;
import io.softcifar.ml.eval.Evaluator.OodSubset;
import io.softcifar.ml.metrics.MetricSet;
import io.softcifar.ml.metrics.Scores;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.train.Augmentation;
import io.softcifar.ml.train.EngineSetup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of a restored network inside the caller's root manager, phase by phase with their timings: clean
 * predictions of the test split and each OOD set ({@link BatchPredictor}), their metrics ({@link OutputMetrics}),
 * the FGSM attack ({@link FgsmAttack}), and the {@link EvaluationResult} assembled from them.
 */
final class EvaluationRun {
    /** Added to the run seed before seeding PyTorch for the stochastic predictions. */
    private static final long PREDICTION_SEED_SALT = 0x5EED_E7A1L;

    private final CifarNet net;
    private final NDManager root;
    private final EvaluationResult.Info info;
    private final int classes;
    private final BatchPredictor predictor;
    private final FgsmAttack fgsm;

    EvaluationRun(
            CifarNet net,
            NDManager root,
            float[] mean,
            float[] std,
            EvaluationResult.Info info,
            EvaluationOptions options,
            Evaluator.Listener listener) {
        Evaluator.Listener progress = listener == null ? Evaluator.Listener.NONE : listener;
        Augmentation normalization = new Augmentation(root, mean, std);
        this.net = net;
        this.root = root;
        this.info = info;
        this.classes = net.config().classes();
        this.predictor = new BatchPredictor(net, root, normalization, info, options.batchSize(), progress);
        this.fgsm = new FgsmAttack(net, root, normalization, options, info.passes(), progress);
    }

    EvaluationResult execute(Inputs inputs, List<String> notes, long startNanos) {
        // evaluation never updates weights: no parameter gradients (FGSM only needs ∇ with respect to the input)
        for (NDArray p : net.namedParameters().values()) {
            p.setRequiresGradient(false);
        }
        EngineSetup.seed(info.seed() + PREDICTION_SEED_SALT);
        double setup = seconds(startNanos);

        long t = System.nanoTime();
        NDArray testX = predictor.upload(inputs.testImages());
        OutputMetrics.Predicted test = predict(testX, "test", inputs.testIndices());
        double testSeconds = seconds(t);

        t = System.nanoTime();
        Map<String, OutputMetrics.Predicted> ood = new LinkedHashMap<>();
        for (OodSubset s : inputs.ood().values()) {
            try (NDManager sm = root.newSubManager()) {
                NDArray x = predictor.upload(s.images());
                x.attach(sm);
                ood.put(s.name(), predict(x, "ood " + s.name(), s.indices()));
            }
        }
        double oodSeconds = seconds(t);

        t = System.nanoTime();
        MetricSet.Builder metrics = OutputMetrics.of(test, inputs.testLabels(), inputs.testSoftLabels(), ood, classes);
        double metricSeconds = seconds(t);

        t = System.nanoTime();
        int[] predicted = Scores.argmax(test.outputs().probabilityMatrix());
        boolean[] correctBefore = new boolean[predicted.length];
        for (int i = 0; i < predicted.length; i++) {
            correctBefore[i] = predicted[i] == inputs.testLabels()[i];
        }
        List<EvaluationResult.FgsmOutcome> attacks = fgsm.attack(testX, inputs.testLabels(), correctBefore);
        double fgsmSeconds = seconds(t);
        int attackedImages = 0;
        for (EvaluationResult.FgsmOutcome f : attacks) {
            metrics.put(f.metricName(), f.decrease());
            attackedImages += f.attacked();
        }
        testX.close();

        Map<String, EvaluationResult.OodOutputs> oodOutputs = new LinkedHashMap<>();
        for (OodSubset s : inputs.ood().values()) {
            OutputMetrics.Predicted p = ood.get(s.name());
            oodOutputs.put(
                    s.name(),
                    new EvaluationResult.OodOutputs(s.name(), s.available(), s.indices(), p.outputs(), p.mc()));
        }
        double total = seconds(startNanos);
        EvaluationResult.Timing timing = new EvaluationResult.Timing(
                setup,
                testSeconds,
                oodSeconds,
                fgsmSeconds,
                metricSeconds,
                total,
                test.outputs().count() / testSeconds,
                attackedImages == 0 ? 0 : attackedImages / fgsmSeconds);
        return new EvaluationResult(
                metrics.build(),
                info,
                test.outputs(),
                inputs.testIndices(),
                inputs.testLabels(),
                inputs.testSoftLabels(),
                test.mc(),
                oodOutputs,
                attacks,
                timing,
                List.copyOf(notes));
    }

    /** The clean predictions of one image set, checked to be finite ({@code indices}: of the images in their file). */
    private OutputMetrics.Predicted predict(NDArray images, String phase, int[] indices) {
        // [0]: mean softmax over the logit draws (test_mc), [1]: mean of the drawn logits (test_mc_logits)
        float[][] mc = info.sngpMcSamples() > 0 ? new float[2][] : null;
        float[][] ref = new float[1][];
        EvaluationResult.Outputs o = predictor.predictAll(images, phase, mc, ref);
        predictor.requireFinite(o, phase, indices);
        return new OutputMetrics.Predicted(o, mc == null ? null : mc[0], mc == null ? null : mc[1], ref[0]);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
