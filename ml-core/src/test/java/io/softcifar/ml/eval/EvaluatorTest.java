package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.Cifar100Binary;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SvhnMat;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.metrics.ReliabilityBin;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.CheckpointRestore;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.testsupport.Required;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;

/**
 * End to end: a basic ResNet-8 trained for two epochs by the real trainer on synthetic data, evaluated with
 * CIFAR-100-format and SVHN-format OOD files. Expected values are re-derived here from the dumped arrays (read with an
 * independent .npy parser) with plain loops, and the model outputs are checked against a hand-normalized forward pass.
 */
class EvaluatorTest {

    private static final List<Double> EPSILONS = List.of(0.0, 0.005, 0.05);
    private static EvaluationResult result;
    private static SoftLabelDataset data;
    private static Path checkpoint;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void evaluate() {
        checkpoint = TrainedModels.checkpoint(Method.BASIC);
        data = TrainedModels.dataset();
        result = Evaluator.evaluate(
                checkpoint, data, bothOod(), EvaluationOptions.defaults().withFgsmEpsilons(EPSILONS));
    }

    private static Map<String, LabeledImages> bothOod() {
        Map<String, LabeledImages> ood = new LinkedHashMap<>();
        ood.put("svhn", OodSets.load("svhn", TrainedModels.svhnFile()));
        ood.put("cifar100", OodSets.load("cifar100", TrainedModels.cifar100File()));
        return ood;
    }

    @Test
    void producesExactlyTheDocumentedMetricNamesInOrder() {
        List<String> expected = new ArrayList<>(List.of(
                MetricNames.TEST_ACCURACY,
                MetricNames.TEST_ECE,
                MetricNames.TEST_ECE_TRUE_CLASS,
                MetricNames.TEST_OVERCONFIDENCE,
                MetricNames.TEST_NLL,
                MetricNames.TEST_BRIER,
                MetricNames.TEST_PRECISION,
                MetricNames.TEST_RECALL,
                MetricNames.TEST_SOFT_CE,
                MetricNames.TEST_SOFT_KL));
        for (String set : List.of("svhn", "cifar100")) {
            for (String score :
                    List.of(MetricNames.SCORE_MAX_LOGIT, MetricNames.SCORE_MAX_PROB, MetricNames.SCORE_NATIVE)) {
                expected.add(MetricNames.oodAuroc(set, score));
                expected.add(MetricNames.oodAupr(set, score));
            }
        }
        expected.add("fgsm/0_decrease");
        expected.add(MetricNames.FGSM_DEFAULT_DECREASE);
        expected.add("fgsm/0.05_decrease");
        assertThat(result.metrics().metrics().keySet()).containsExactlyElementsOf(expected);
        assertThat(expected).contains(MetricNames.OOD_SVHN_AUROC, MetricNames.OOD_SVHN_AUPR, "ood/cifar100_auroc");
    }

    @Test
    void everyMetricIsInItsValidRange() {
        result.metrics().metrics().forEach((name, v) -> {
            assertThat(v).as(name).isFinite();
            if (name.endsWith("/nll") || name.endsWith("/soft_cross_entropy") || name.endsWith("/soft_kl")) {
                assertThat(v).as(name).isGreaterThanOrEqualTo(0.0);
            } else if (name.endsWith("/brier")) {
                assertThat(v).as(name).isBetween(0.0, 2.0);
            } else {
                assertThat(v).as(name).isBetween(0.0, 1.0);
            }
        });
        // H(q, p) = KL(q‖p) + H(q) ≥ KL
        assertThat(result.metrics().get(MetricNames.TEST_SOFT_CE))
                .isGreaterThanOrEqualTo(result.metrics().get(MetricNames.TEST_SOFT_KL));
        // a model trained for two epochs on separable synthetic classes beats chance
        assertThat(result.metrics().get(MetricNames.TEST_ACCURACY)).isGreaterThan(0.2);
    }

    @Test
    void testSplitIsTheRunSeedsSplitWithArgmaxLabelsAndSoftLabels() {
        Split split = Splits.seeded(TrainedModels.IMAGES, TrainedModels.RUN_SEED);
        assertThat(result.testIndices()).containsExactly(split.test());
        assertThat(result.info().testCount()).isEqualTo(60);
        assertThat(result.info().seed()).isEqualTo(TrainedModels.RUN_SEED);
        for (int i = 0; i < split.test().length; i++) {
            double[] q = data.softLabels().row(split.test()[i]);
            int argmax = 0;
            for (int k = 1; k < q.length; k++) {
                if (q[k] > q[argmax]) {
                    argmax = k;
                }
            }
            assertThat(result.testLabels()[i]).isEqualTo(argmax);
            assertThat(result.testSoftLabels()[i]).containsExactly(q);
        }
    }

    @Test
    void outputsEqualAHandNormalizedForwardPassOfTheCheckpoint() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            CifarNet net = new CifarNet(m, loaded.modelConfig(), 0);
            CheckpointRestore.model(loaded, net);
            float[] mean = loaded.header().mean();
            float[] std = loaded.header().std();
            int n = 5;
            float[] x = new float[n * LabeledImages.IMAGE_BYTES];
            for (int i = 0; i < n; i++) {
                int image = result.testIndices()[i];
                for (int c = 0; c < 3; c++) {
                    for (int r = 0; r < 32; r++) {
                        for (int col = 0; col < 32; col++) {
                            float pixel = data.images().pixel(image, c, r, col) / 255f;
                            x[LabeledImages.offset(i, c, r, col)] = (pixel - mean[c]) / std[c];
                        }
                    }
                }
            }
            NDArray input = m.create(x, new Shape(n, 3, 32, 32));
            float[][] probs = new float[1][];
            Autograd.noGrad(() -> probs[0] = net.predict(input).probabilities().toFloatArray());
            for (int i = 0; i < n * 10; i++) {
                assertThat((double) probs[0][i]).isCloseTo(result.test().probabilities()[i], within(1e-5));
            }
        }
    }

    @Test
    void oodSubsetsAreSeededAndASmallSetIsUsedWholeWithANote() {
        EvaluationResult.OodOutputs c100 = result.ood().get("cifar100");
        assertThat(c100.available()).isEqualTo(TrainedModels.CIFAR100_IMAGES);
        assertThat(c100.indices())
                .containsExactly(Splits.randomSubset(TrainedModels.CIFAR100_IMAGES, 60, TrainedModels.RUN_SEED));
        assertThat(c100.outputs().count()).isEqualTo(60);
        EvaluationResult.OodOutputs svhn = result.ood().get("svhn");
        assertThat(svhn.indices()).hasSize(TrainedModels.SVHN_IMAGES).doesNotHaveDuplicates();
        assertThat(result.notes()).anyMatch(n -> n.contains("svhn") && n.contains("only 40 images"));
    }

    @Test
    void fgsmAttacksExactlyTheCorrectPointsAndEpsilonZeroChangesNothing() {
        double[][] p = result.test().probabilityMatrix();
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (argmax(p[i]) == result.testLabels()[i]) {
                correct++;
            }
        }
        for (EvaluationResult.FgsmOutcome f : result.fgsm()) {
            assertThat(f.attacked()).isEqualTo(correct);
            for (int i = 0; i < p.length; i++) {
                assertThat(f.predictionsAfter()[i] >= 0).isEqualTo(argmax(p[i]) == result.testLabels()[i]);
            }
        }
        assertThat(result.metrics().get("fgsm/0_decrease")).isZero();
        assertThat(result.fgsm().get(0).flipped()).isZero();
        // a large step must hurt a barely trained network
        assertThat(result.metrics().get("fgsm/0.05_decrease")).isGreaterThan(0.0);
    }

    @Test
    void reliabilityBinsAddUpToTheTestSplitAndGiveTheReportedEce() {
        List<ReliabilityBin> bins = result.metrics().reliability();
        assertThat(bins).hasSize(10);
        assertThat(bins.stream().mapToInt(ReliabilityBin::count).sum()).isEqualTo(60);
        double ece = 0;
        for (ReliabilityBin b : bins) {
            ece += b.count() / 60.0 * Math.abs(b.accuracy() - b.meanConfidence());
        }
        assertThat(ece).isCloseTo(result.metrics().get(MetricNames.TEST_ECE), within(1e-12));
    }

    @Test
    void dataWithOtherTrainStatisticsThanTheCheckpointGetsANote() {
        SoftLabelDataset other = io.softcifar.ml.data.SyntheticData.dataset(TrainedModels.IMAGES, 99);
        EvaluationResult r = Evaluator.evaluate(
                checkpoint, other, Map.of(), EvaluationOptions.defaults().withFgsmEpsilons(List.of()));
        assertThat(r.notes()).anyMatch(n -> n.contains("is --data the folder the model was trained on?"));
        assertThat(result.notes()).noneMatch(n -> n.contains("--data"));
        assertThat(r.fgsm()).isEmpty();
        assertThat(r.metrics().metrics().keySet()).noneMatch(k -> k.startsWith("fgsm/") || k.startsWith("ood/"));
    }

    @Test
    void evaluatingTwiceGivesIdenticalMetrics() {
        EvaluationResult again = Evaluator.evaluate(
                checkpoint, data, bothOod(), EvaluationOptions.defaults().withFgsmEpsilons(EPSILONS));
        assertThat(again.metrics().metrics()).isEqualTo(result.metrics().metrics());
    }

    @Test
    void dumpLetsAnyoneRecomputeTheMetricsFromTheArrays() throws IOException {
        Path dir = tmp.resolve("dump");
        EvaluationDump.write(dir, result);
        NpyReader.Array p = NpyReader.read(dir.resolve("test_probabilities.npy"));
        NpyReader.Array logits = NpyReader.read(dir.resolve("test_logits.npy"));
        NpyReader.Array y = NpyReader.read(dir.resolve("test_labels.npy"));
        NpyReader.Array soft = NpyReader.read(dir.resolve("test_soft_labels.npy"));
        assertThat(p.descr()).isEqualTo("<f4");
        assertThat(p.shape()).containsExactly(60, 10);
        assertThat(y.descr()).isEqualTo("<i8");
        assertThat(soft.descr()).isEqualTo("<f8");
        int n = p.rows();

        // accuracy and ECE (10 bins (m/10, (m+1)/10], confidence = max probability) with plain loops
        int hits = 0;
        int[] count = new int[10];
        int[] binHits = new int[10];
        double[] confSum = new double[10];
        double nll = 0;
        for (int i = 0; i < n; i++) {
            int pred = 0;
            for (int k = 1; k < 10; k++) {
                if (p.at(i, k) > p.at(i, pred)) {
                    pred = k;
                }
            }
            double conf = p.at(i, pred);
            boolean ok = pred == (int) y.data()[i];
            hits += ok ? 1 : 0;
            int bin = 0;
            while (bin < 9 && conf > (bin + 1) / 10.0) {
                bin++;
            }
            count[bin]++;
            confSum[bin] += conf;
            binHits[bin] += ok ? 1 : 0;
            nll -= Math.log(Math.max(p.at(i, (int) y.data()[i]), 1e-12));
        }
        double ece = 0;
        for (int b = 0; b < 10; b++) {
            if (count[b] > 0) {
                ece += (double) count[b] / n * Math.abs((double) binHits[b] / count[b] - confSum[b] / count[b]);
            }
        }
        assertThat((double) hits / n).isEqualTo(result.metrics().get(MetricNames.TEST_ACCURACY));
        assertThat(ece).isCloseTo(result.metrics().get(MetricNames.TEST_ECE), within(1e-12));
        assertThat(nll / n).isCloseTo(result.metrics().get(MetricNames.TEST_NLL), within(1e-12));

        // soft labels in the dump are the human distribution of the test images
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 10; k++) {
                assertThat(soft.at(i, k)).isEqualTo(data.softLabels().get(result.testIndices()[i], k));
            }
        }

        // AUROC (max logit) by counting all pairs, ties ½
        for (String set : List.of("svhn", "cifar100")) {
            NpyReader.Array oodLogits = NpyReader.read(dir.resolve("ood_" + set + "_logits.npy"));
            double pairs = 0;
            for (int i = 0; i < n; i++) {
                double in = rowMax(logits, i);
                for (int j = 0; j < oodLogits.rows(); j++) {
                    double out = rowMax(oodLogits, j);
                    pairs += in > out ? 1 : in == out ? 0.5 : 0;
                }
            }
            assertThat(pairs / (n * (double) oodLogits.rows()))
                    .isCloseTo(
                            result.metrics().get(MetricNames.oodAuroc(set, MetricNames.SCORE_MAX_LOGIT)),
                            within(1e-12));
            NpyReader.Array oodIdx = NpyReader.read(dir.resolve("ood_" + set + "_indices.npy"));
            assertThat(oodIdx.rows()).isEqualTo(oodLogits.rows());
        }

        // FGSM decrease from the predictions after the attack
        for (String eps : List.of("0", "0.005", "0.05")) {
            NpyReader.Array after = NpyReader.read(dir.resolve("fgsm_" + eps + "_predictions.npy"));
            int attacked = 0;
            int flipped = 0;
            for (int i = 0; i < n; i++) {
                if (after.data()[i] >= 0) {
                    attacked++;
                    flipped += after.data()[i] != y.data()[i] ? 1 : 0;
                }
            }
            assertThat(attacked == 0 ? 0.0 : (double) flipped / attacked)
                    .isEqualTo(result.metrics().get("fgsm/" + eps + "_decrease"));
        }

        String index = Files.readString(dir.resolve(EvaluationDump.INDEX_FILE));
        for (String name : result.metrics().metrics().keySet()) {
            assertThat(index).contains("\"" + name + "\"");
        }
        try (var files = Files.list(dir)) {
            List<String> npy = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".npy"))
                    .toList();
            for (String f : npy) {
                assertThat(index).as("dump.json describes " + f).contains("\"" + f + "\"");
            }
            assertThat(npy).hasSize(6 + 2 * 4 + 3);
        }
    }

    @Test
    void numpyRecomputesAccuracyEceAurocAndFgsmFromTheDump() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Required.present(Files.isExecutable(python), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import numpy")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        Required.present(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "numpy not importable");

        Path dir = tmp.resolve("dump-py");
        EvaluationDump.write(dir, result);
        String script = String.join(
                "\n",
                "import json, sys, numpy as np",
                "d = sys.argv[1]",
                "p = np.load(d + '/test_probabilities.npy').astype(np.float64)",
                "y = np.load(d + '/test_labels.npy')",
                "pred = p.argmax(1)",
                "conf = p.max(1)",
                "ok = pred == y",
                "b = np.clip(np.ceil(conf * 10).astype(int) - 1, 0, 9)",
                "ece = sum(np.sum(b == m) / len(y) * abs(ok[b == m].mean() - conf[b == m].mean())"
                        + " for m in range(10) if np.any(b == m))",
                "li = np.load(d + '/test_logits.npy').astype(np.float64).max(1)",
                "lo = np.load(d + '/ood_svhn_logits.npy').astype(np.float64).max(1)",
                "auroc = ((li[:, None] > lo[None, :]).sum() + 0.5 * (li[:, None] == lo[None, :]).sum()) / (len(li) * len(lo))",
                "a = np.load(d + '/fgsm_0.05_predictions.npy')",
                "att = a >= 0",
                "fgsm = float(np.mean(a[att] != y[att])) if att.any() else 0.0",
                "print(json.dumps({'accuracy': float(ok.mean()), 'ece': float(ece), 'auroc': float(auroc), 'fgsm': fgsm}))");
        Path scriptFile = tmp.resolve("recompute.py");
        Files.writeString(scriptFile, script);
        Process proc = new ProcessBuilder(python.toString(), scriptFile.toString(), dir.toString()).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as(err).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Double> got = new com.fasterxml.jackson.databind.ObjectMapper().readValue(out, Map.class);
        assertThat(got.get("accuracy")).isCloseTo(result.metrics().get(MetricNames.TEST_ACCURACY), within(1e-12));
        assertThat(got.get("ece")).isCloseTo(result.metrics().get(MetricNames.TEST_ECE), within(1e-12));
        assertThat(got.get("auroc")).isCloseTo(result.metrics().get(MetricNames.OOD_SVHN_AUROC), within(1e-12));
        assertThat(got.get("fgsm")).isCloseTo(result.metrics().get("fgsm/0.05_decrease"), within(1e-12));
    }

    @Test
    void nanWeightsGiveAClearErrorNamingTheCheckpoint() {
        Path broken = tmp.resolve("nan.ckpt");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            Map<String, NDArray> model = loaded.model();
            model.replaceAll((key, t) -> key.startsWith("head.") ? t.mul(Float.NaN) : t);
            Checkpoint.write(broken, loaded.header(), model, null);
        }
        assertThatThrownBy(() -> Evaluator.evaluate(broken, data, Map.of(), EvaluationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(broken + ": the model's output is not finite")
                .hasMessageContaining("NaN")
                .hasMessageContaining("test image 0");
    }

    @Test
    void missingCheckpointIsNamed() {
        Path missing = tmp.resolve("nowhere.ckpt");
        assertThatThrownBy(() -> Evaluator.evaluate(missing, data, Map.of(), EvaluationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": not found");
    }

    @Test
    void aFileThatIsNotACheckpointIsRejected() {
        assertThatThrownBy(() ->
                        Evaluator.evaluate(TrainedModels.svhnFile(), data, Map.of(), EvaluationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(TrainedModels.svhnFile() + ": ");
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRejected() {
        Path other = tmp.resolve("depth14.ckpt");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            TrainConfig config = loaded.header().config();
            TrainConfig lie = config.withModel(config.model().withDepth(14));
            Checkpoint.write(other, loaded.header().withConfig(lie), loaded.model(), null);
        }
        assertThatThrownBy(() -> Evaluator.evaluate(other, data, Map.of(), EvaluationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(other + ": ")
                .hasMessageContaining("another architecture");
    }

    @Test
    void unknownOodNameIsRejected() {
        Map<String, LabeledImages> ood = Map.of("mnist", OodSets.load("svhn", TrainedModels.svhnFile()));
        assertThatThrownBy(() -> Evaluator.evaluate(checkpoint, data, ood, EvaluationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ood: unknown OOD set 'mnist' (expected svhn or cifar100)");
    }

    @Test
    void oodFilesOfTheWrongShapeOrFormatAreRejectedNamingTheFile() throws IOException {
        Path mat = tmp.resolve("svhn28.mat");
        try (MatFile f = Mat5.newMatFile()) {
            Matrix y = Mat5.newMatrix(2, 1, MatlabType.Double);
            y.setDouble(0, 1);
            y.setDouble(1, 2);
            f.addArray("X", Mat5.newMatrix(new int[] {28, 28, 3, 2}, MatlabType.UInt8))
                    .addArray("y", y);
            Mat5.writeToFile(f, mat.toFile());
        }
        assertThatThrownBy(() -> OodSets.load("svhn", mat))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(mat + ": variable 'X' has shape 28×28×3×2 (expected 32×32×3×N)");
        Path truncated = tmp.resolve("test.bin");
        Files.write(truncated, new byte[Cifar100Binary.RECORD_BYTES * 2 + 5]);
        assertThatThrownBy(() -> OodSets.load("cifar100", truncated))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(truncated + ": size");
        // an SVHN file passed as CIFAR-100 (and vice versa) is not silently accepted
        assertThatThrownBy(() -> OodSets.load("cifar100", TrainedModels.svhnFile()))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(TrainedModels.svhnFile() + ": ");
        assertThatThrownBy(() -> OodSets.load("svhn", TrainedModels.cifar100File()))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(TrainedModels.cifar100File() + ": ");
        assertThat(SvhnMat.read(TrainedModels.svhnFile()).count()).isEqualTo(TrainedModels.SVHN_IMAGES);
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }

    private static double rowMax(NpyReader.Array a, int i) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < a.cols(); k++) {
            m = Math.max(m, a.at(i, k));
        }
        return m;
    }
}
