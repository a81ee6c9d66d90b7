package io.softcifar.ml.eval;

import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tiny models trained once per test JVM with the real {@link Trainer} on synthetic CIFAR-10H-style data (400 images:
 * 320 train / 20 val / 60 test), plus OOD files in the official formats: CIFAR-100 {@code test.bin} (100 images) and
 * SVHN {@code test_32x32.mat} (40 images, fewer than the 60 test images on purpose).
 */
final class TrainedModels {

    static final int IMAGES = 400;
    static final long DATA_SEED = 7;
    static final long RUN_SEED = 3;
    static final int CIFAR100_IMAGES = 100;
    static final int SVHN_IMAGES = 40;

    private static Path root;
    private static final Map<Method, Path> CHECKPOINTS = new EnumMap<>(Method.class);

    private TrainedModels() {}

    static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("softcifar-eval-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            SyntheticData.writeCifar10hFolder(root.resolve("data"), IMAGES, DATA_SEED);
            SyntheticData.writeCifar100Test(root.resolve("test.bin"), CIFAR100_IMAGES, 11);
            SyntheticData.writeSvhnTest(root.resolve("test_32x32.mat"), SVHN_IMAGES, 12);
        }
        return root;
    }

    static Path dataDir() {
        return root().resolve("data");
    }

    static Path cifar100File() {
        return root().resolve("test.bin");
    }

    static Path svhnFile() {
        return root().resolve("test_32x32.mat");
    }

    static SoftLabelDataset dataset() {
        return Cifar10hFolder.load(dataDir());
    }

    /** The best checkpoint of a tiny run: basic 2 epochs on all 320 train images, the
     * others one step of 16 images (enough to exercise their heads, SNGP's covariance and DUQ's centroids). */
    static synchronized Path checkpoint(Method method) {
        Path existing = CHECKPOINTS.get(method);
        if (existing != null) {
            return existing;
        }
        boolean basic = method == Method.BASIC;
        TrainConfig config = TrainConfig.protocol(method, LabelMode.SOFT)
                .withModel(ModelConfig.defaults(method).withDepth(8))
                .withEpochs(basic ? 2 : 1)
                .withBatchSize(basic ? 32 : 16)
                .withLimit(basic ? 0 : 16)
                .withWarmupEpochs(0)
                .withAugment(false)
                .withSeed(RUN_SEED);
        SoftLabelDataset data = dataset();
        TrainingData prepared = TrainingData.of(data, Splits.seeded(data.size(), RUN_SEED), config);
        TrainResult result =
                Trainer.train(config, prepared, Trainer.Options.defaults(root().resolve("run-" + method.id())), null);
        CHECKPOINTS.put(method, result.bestCheckpoint());
        return result.bestCheckpoint();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort at JVM exit
        }
    }
}
