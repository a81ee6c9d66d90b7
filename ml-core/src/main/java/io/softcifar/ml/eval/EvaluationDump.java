package io.softcifar.ml.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.softcifar.ml.data.NpyFiles;
import io.softcifar.ml.metrics.Calibration;
import io.softcifar.ml.metrics.MetricNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the raw per-example outputs of an evaluation as {@code .npy} files (little-endian, C order) plus
 * {@code dump.json}, which lists every file (dtype, shape, meaning), the reported metrics, and how to recompute each
 * metric with NumPy alone. The files, for N test images, C classes and each OOD set {@code <set>} of M images:
 *
 * <ul>
 *   <li>{@code test_probabilities.npy} float32 N×C, {@code test_logits.npy} float32 N×C,
 *       {@code test_native_scores.npy} float32 N, {@code test_labels.npy} int64 N (hard labels),
 *       {@code test_soft_labels.npy} float64 N×C (human distribution), {@code test_indices.npy} int64 N (dataset
 *       indices); {@code test_mc_probabilities.npy} float32 N×C with SNGP Monte Carlo;
 *   <li>{@code ood_<set>_probabilities.npy}, {@code ood_<set>_logits.npy} float32 M×C,
 *       {@code ood_<set>_native_scores.npy} float32 M, {@code ood_<set>_indices.npy} int64 M (indices into the OOD
 *       file); {@code ood_<set>_mc_probabilities.npy} with SNGP Monte Carlo;
 *   <li>{@code fgsm_<ε>_predictions.npy} int64 N: the prediction on the attacked image, −1 where the point was not
 *       attacked (wrong before the attack).
 * </ul>
 * The metrics were computed from exactly these float32 values, so NumPy float64 recomputation agrees to round-off.
 */
public final class EvaluationDump {

    public static final String FORMAT = "softcifar-evaluation-dump";
    public static final int VERSION = 1;
    public static final String INDEX_FILE = "dump.json";

    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluationDump() {}

    /** Writes the dump into {@code dir} (created if missing; existing files of the same names are replaced). */
    public static void write(Path dir, EvaluationResult result) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create the dump folder: " + e.getMessage(), e);
        }
        List<Map<String, Object>> files = new ArrayList<>();
        EvaluationResult.Outputs test = result.test();
        long n = test.count();
        long c = test.classes();
        float32(
                dir,
                files,
                "test_probabilities.npy",
                test.probabilities(),
                new long[] {n, c},
                "predictive distribution on the test split (MC Dropout: mean of S passes; SNGP: mean-field; DUQ: the"
                        + " class-normalized kernels K / sum(K)); row i is the image test_indices[i]");
        float32(
                dir,
                files,
                "test_logits.npy",
                test.logits(),
                new long[] {n, c},
                "raw scores: logits (MC Dropout: mean over the passes; SNGP: GP mean logits; DUQ: ln(K / sum(K)), the"
                        + " log of the probabilities)");
        float32(
                dir,
                files,
                "test_native_scores.npy",
                test.nativeScores(),
                new long[] {n},
                "method-native OOD score, higher = more in-distribution (max probability for basic/dropout,"
                        + " -predictive variance for SNGP, max kernel value for DUQ)");
        int64(
                dir,
                files,
                "test_labels.npy",
                result.testLabels(),
                new long[] {n},
                "hard labels = argmax of the human soft label (ties to the lowest class)");
        double[] soft = new double[(int) (n * c)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(result.testSoftLabels()[i], 0, soft, (int) (i * c), (int) c);
        }
        NpyFiles.writeFloat64(dir.resolve("test_soft_labels.npy"), soft, n, c);
        files.add(entry("test_soft_labels.npy", "float64", new long[] {n, c}, "human label distribution (CIFAR-10H)"));
        int64(
                dir,
                files,
                "test_indices.npy",
                result.testIndices(),
                new long[] {n},
                "index of each test image in the dataset (the seeded split's test part, in split order)");
        if (result.testMcProbabilities() != null) {
            float32(
                    dir,
                    files,
                    "test_mc_probabilities.npy",
                    result.testMcProbabilities(),
                    new long[] {n, c},
                    "SNGP Monte-Carlo predictive distribution (mean softmax over logit draws)");
        }
        for (EvaluationResult.OodOutputs o : result.ood().values()) {
            String p = "ood_" + o.name() + "_";
            long m = o.outputs().count();
            float32(
                    dir,
                    files,
                    p + "probabilities.npy",
                    o.outputs().probabilities(),
                    new long[] {m, c},
                    "predictive distribution on the " + o.name() + " OOD subset");
            float32(dir, files, p + "logits.npy", o.outputs().logits(), new long[] {m, c}, "raw scores on " + o.name());
            float32(
                    dir,
                    files,
                    p + "native_scores.npy",
                    o.outputs().nativeScores(),
                    new long[] {m},
                    "method-native OOD score on " + o.name());
            if (o.mcProbabilities() != null) {
                float32(
                        dir,
                        files,
                        p + "mc_probabilities.npy",
                        o.mcProbabilities(),
                        new long[] {m, c},
                        "SNGP Monte-Carlo predictive distribution on " + o.name());
            }
            int64(
                    dir,
                    files,
                    p + "indices.npy",
                    o.indices(),
                    new long[] {m},
                    "index of each evaluated image in the " + o.name() + " file (" + o.available() + " images)");
        }
        for (EvaluationResult.FgsmOutcome f : result.fgsm()) {
            int64(
                    dir,
                    files,
                    "fgsm_" + epsilonText(f.metricName()) + "_predictions.npy",
                    f.predictionsAfter(),
                    new long[] {n},
                    "prediction on the FGSM image with epsilon " + f.epsilon()
                            + "; -1 where the point was not attacked (misclassified before the attack)");
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("format", FORMAT);
        index.put("version", VERSION);
        index.put("evaluation", result.infoMap());
        index.put("files", files);
        index.put("metrics", result.metrics().metrics());
        index.put("reliability", result.metrics().reliability());
        index.put("notes", result.notes());
        index.put("recompute", recipes(result));
        try {
            JSON.writeValue(dir.resolve(INDEX_FILE).toFile(), index);
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(INDEX_FILE) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** "fgsm/0.005_decrease" → "0.005". */
    static String epsilonText(String metricName) {
        return metricName.substring("fgsm/".length(), metricName.length() - "_decrease".length());
    }

    private static Map<String, String> recipes(EvaluationResult result) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put(
                "conventions",
                "import numpy as np; p = np.load('test_probabilities.npy').astype(np.float64);"
                        + " y = np.load('test_labels.npy'); q = np.load('test_soft_labels.npy'). Predictions are argmax with ties to"
                        + " the lowest index (np.argmax). Logs are natural, with probabilities clamped below at 1e-12.");
        r.put(MetricNames.TEST_ACCURACY, "np.mean(p.argmax(1) == y)  (a fraction, not percent)");
        r.put(
                MetricNames.TEST_ECE,
                Calibration.DEFAULT_BINS + " equal-width bins on conf = p.max(1): bin m holds"
                        + " m/10 < conf <= (m+1)/10 (conf = 0 in bin 0), b = np.clip(np.ceil(conf*10).astype(int) - 1, 0, 9);"
                        + " ece = sum over non-empty bins of (count/N) * |mean(correct) - mean(conf)|, correct = p.argmax(1) == y");
        r.put(
                MetricNames.TEST_ECE_TRUE_CLASS,
                "the reference code's variant: the same bins and formula, but conf ="
                        + " p[np.arange(N), y] (probability of the true class); correct is still p.argmax(1) == y");
        r.put(
                MetricNames.TEST_OVERCONFIDENCE,
                "same bins as ece: sum of (count/N) * mean(conf) * max(mean(conf) -" + " mean(correct), 0)");
        r.put(MetricNames.TEST_NLL, "np.mean(-np.log(np.maximum(p[np.arange(N), y], 1e-12)))");
        r.put(
                MetricNames.TEST_BRIER,
                "np.mean(np.sum((p - np.eye(C)[y])**2, axis=1))  (summed over classes, in [0, 2])");
        r.put(
                MetricNames.TEST_PRECISION,
                "sklearn.metrics.precision_score(y, p.argmax(1), average='macro'," + " zero_division=0)");
        r.put(
                MetricNames.TEST_RECALL,
                "sklearn.metrics.recall_score(y, p.argmax(1), average='macro', zero_division=0)");
        r.put(
                MetricNames.TEST_SOFT_CE,
                "np.mean(-np.sum(np.where(q > 0, q * np.log(np.maximum(p, 1e-12)), 0), axis=1))");
        r.put(
                MetricNames.TEST_SOFT_KL,
                "np.mean(np.sum(np.where(q > 0, q * (np.log(np.where(q > 0, q, 1))"
                        + " - np.log(np.maximum(p, 1e-12))), 0), axis=1))");
        if (result.testMcProbabilities() != null) {
            r.put("test_mc/*", "the test/* recipes with p = test_mc_probabilities.npy");
            r.put(
                    "test_mc_logits/*",
                    "the test/* recipes with p = softmax of the mean of the drawn logits (the"
                            + " reference's SNGP prediction); the mean drawn logits are not dumped");
        }
        if (result.metrics().metrics().containsKey(MetricNames.SPLIT_TEST_REFERENCE + "/" + MetricNames.ACCURACY)) {
            r.put(
                    MetricNames.SPLIT_TEST_REFERENCE + "/*",
                    "the test/* recipes with p = the reference's distribution:"
                            + " MC Dropout: softmax(test_logits.npy) (the logits averaged over the passes); DUQ: with"
                            + " q = test_probabilities.npy, softmax(q / (1 + q)) (softmax of sigmoid(ln q))");
            r.put(
                    "ood/<set>_auroc_" + MetricNames.SCORE_REFERENCE_MAX_PROB,
                    "score = max of that distribution, on the" + " test and the OOD files");
        }
        r.put(
                "ood/<set>_auroc",
                "in = test max logit (np.load('test_logits.npy').max(1)), out = the same on"
                        + " ood_<set>_logits.npy; labels in = 1, out = 0; sklearn.metrics.roc_auc_score(labels, scores) — i.e."
                        + " P(in > out) with ties counted 1/2");
        r.put(
                "ood/<set>_auroc_max_prob",
                "as ood/<set>_auroc with score = max probability (…_probabilities.npy).max(1)");
        r.put("ood/<set>_auroc_native", "as ood/<set>_auroc with score = …_native_scores.npy");
        r.put(
                "ood/<set>_aupr[_<score>]",
                "sklearn.metrics.average_precision_score(labels, scores) with in-distribution"
                        + " = positive (step-wise, no interpolation)");
        if (result.testMcProbabilities() != null) {
            r.put("ood/<set>_auroc_mc_max_prob", "score = max of the *_mc_probabilities.npy");
        }
        r.put(
                "fgsm/<eps>_decrease",
                "a = np.load('fgsm_<eps>_predictions.npy'); attacked = a >= 0;"
                        + " np.mean(a[attacked] != y[attacked])  (0 if nothing was attacked); attacked = exactly the points with"
                        + " p.argmax(1) == y");
        return r;
    }

    private static void float32(
            Path dir, List<Map<String, Object>> files, String name, float[] data, long[] shape, String description) {
        NpyFiles.writeFloat32(dir.resolve(name), data, shape);
        files.add(entry(name, "float32", shape, description));
    }

    private static void int64(
            Path dir, List<Map<String, Object>> files, String name, int[] data, long[] shape, String description) {
        NpyFiles.writeInt64(dir.resolve(name), data, shape);
        files.add(entry(name, "int64", shape, description));
    }

    /** One entry of the dump's {@code files} list (also for {@link EvaluationInputs}). */
    static Map<String, Object> entry(String name, String dtype, long[] shape, String description) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", name);
        e.put("dtype", dtype);
        e.put("shape", shape);
        e.put("description", description);
        return e;
    }
}
