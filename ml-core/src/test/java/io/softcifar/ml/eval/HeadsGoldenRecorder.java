package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.ml.train.EpochStats;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A regression recorder for refactors of the method code (not part of the normal suite: it runs only with
 * {@code -Dheads.golden=<folder>}): for each method a tiny deterministic run (depth 8, 2 epochs, augmentation on,
 * seed 3) through the real {@link Trainer} and {@link Evaluator}, written as text — per-epoch losses, the checkpoint
 * header (without its wall-clock fields), a SHA-256 and a sum per model tensor, every evaluation metric and a hash of the
 * test outputs. Run it once before a change and once after with {@code -Dsoftcifar.threads=1}; if
 * {@code <folder>/<method>.txt} exists the new record must equal it character for character (otherwise it is
 * written). The expected values are the code's own earlier output, so this proves "unchanged", nothing more.
 */
@EnabledIfSystemProperty(named = "heads.golden", matches = ".+")
class HeadsGoldenRecorder {

    @ParameterizedTest
    @EnumSource(Method.class)
    void recordOrCompare(Method method, @TempDir Path tmp) throws Exception {
        Path folder = Path.of(System.getProperty("heads.golden"));
        Files.createDirectories(folder);
        String record = record(method, tmp);
        Path golden = folder.resolve(method.id() + ".txt");
        if (Files.exists(golden)) {
            Files.writeString(folder.resolve(method.id() + ".new.txt"), record);
            assertThat(record).as("record of " + method.id() + " vs " + golden).isEqualTo(Files.readString(golden));
        } else {
            Files.writeString(golden, record);
        }
    }

    private static String record(Method method, Path tmp) throws Exception {
        Path data = SyntheticData.writeCifar10hFolder(tmp.resolve("data"), 400, 7);
        SyntheticData.writeCifar100Test(tmp.resolve("test.bin"), 100, 11);
        SyntheticData.writeSvhnTest(tmp.resolve("test_32x32.mat"), 40, 12);
        SoftLabelDataset ds = Cifar10hFolder.load(data);
        TrainConfig config = TrainConfig.protocol(method, LabelMode.SOFT)
                .withModel(ModelConfig.defaults(method)
                        .withDepth(8)
                        .withGpFeatures(64)
                        .withDuqEmbedding(16)
                        .withMcSamples(2))
                .withEpochs(2)
                .withBatchSize(32)
                .withWarmupEpochs(1)
                .withSeed(3);
        TrainingData prepared = TrainingData.of(ds, Splits.seeded(ds.size(), config.seed()), config);
        TrainResult result = Trainer.train(config, prepared, Trainer.Options.defaults(tmp.resolve("run")), null);
        StringBuilder out = new StringBuilder();
        out.append("threads ").append(System.getProperty("softcifar.threads")).append('\n');
        out.append("parameters ")
                .append(result.parameters())
                .append(" best epoch ")
                .append(result.bestEpoch())
                .append(" best val loss ")
                .append(result.bestValLoss())
                .append('\n');
        for (EpochStats s : result.history()) {
            out.append("epoch ")
                    .append(s.epoch())
                    .append(" train ")
                    .append(s.trainLoss())
                    .append(" val ")
                    .append(s.valLoss())
                    .append(" acc ")
                    .append(s.valAccuracy())
                    .append(" lr ")
                    .append(s.learningRate())
                    .append('\n');
        }
        out.append(header(result.lastCheckpoint()));
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(result.lastCheckpoint(), m);
            Map<String, NDArray> tensors = new TreeMap<>(loaded.tensors());
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                NDArray t = e.getValue();
                double sum = 0;
                for (double v :
                        t.toType(ai.djl.ndarray.types.DataType.FLOAT64, true).toDoubleArray()) {
                    sum += v;
                }
                out.append("tensor ")
                        .append(e.getKey())
                        .append(' ')
                        .append(t.getShape())
                        .append(' ')
                        .append(t.getDataType())
                        .append(" sum ")
                        .append(sum)
                        .append(" sha256 ")
                        .append(sha256(t.toByteArray()))
                        .append('\n');
            }
        }
        // a fixed order: the OOD sets are evaluated in map order, and MC Dropout and SNGP Monte Carlo draw on
        Map<String, Path> oodFiles = new LinkedHashMap<>();
        oodFiles.put("cifar100", tmp.resolve("test.bin"));
        oodFiles.put("svhn", tmp.resolve("test_32x32.mat"));
        Map<String, LabeledImages> ood = OodSets.loadAll(oodFiles);
        EvaluationOptions options = EvaluationOptions.defaults()
                .withMcSamples(3)
                .withSngpMcSamples(method == Method.SNGP ? 4 : 0)
                .withFgsmEpsilons(List.of(0.0, 0.005, 0.05));
        EvaluationResult r = Evaluator.evaluate(result.bestCheckpoint(), ds, ood, options);
        new TreeMap<>(r.metrics().metrics())
                .forEach((name, v) ->
                        out.append("metric ").append(name).append(' ').append(v).append('\n'));
        out.append("info ")
                .append(r.info().method())
                .append(" passes ")
                .append(r.info().passes())
                .append('\n');
        out.append("test probabilities sha256 ")
                .append(sha256(floats(r.test().probabilities())))
                .append('\n');
        out.append("test logits sha256 ")
                .append(sha256(floats(r.test().logits())))
                .append('\n');
        out.append("test native sha256 ")
                .append(sha256(floats(r.test().nativeScores())))
                .append('\n');
        out.append("notes ").append(r.notes()).append('\n');
        return out.toString();
    }

    /** The checkpoint's JSON header without its wall-clock fields (creation time, epoch seconds, images/s). */
    private static String header(Path checkpoint) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(checkpoint))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(Checkpoint.HEADER_ENTRY)) {
                    String json = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    return json.replaceAll("\"createdAt\" : \"[^\"]*\"", "\"createdAt\" : \"-\"")
                                    .replaceAll("(?m)^ *\"(imagesPerSecond|seconds)\" : .*\n", "")
                            + "\n";
                }
            }
        }
        throw new IllegalStateException("no header in " + checkpoint);
    }

    private static byte[] floats(float[] values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
