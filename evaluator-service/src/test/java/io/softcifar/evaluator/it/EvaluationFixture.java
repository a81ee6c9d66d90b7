package io.softcifar.evaluator.it;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.dataset.OodEntry;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.data.shard.ShardInfo;
import io.softcifar.ml.data.shard.ShardWriter;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.TrainResult;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.testsupport.TestInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What the trainer and the dataset service would have left in the bucket, made directly: a synthetic CIFAR-10H-style
 * dataset of 400 images cut 320 / 20 / 60 by the seeded split of the run seed, stored as shards with a manifest
 * (plus an SVHN-like OOD set of 100 images and a CIFAR-100-like one of 40, fewer than the 60 test images), and the
 * best checkpoint of a basic ResNet-8 trained for one epoch on the train split by ml-core's real trainer.
 */
final class EvaluationFixture {

    static final int IMAGES = 400;
    static final long DATA_SEED = 21;
    static final long RUN_SEED = 3;
    static final int SVHN_IMAGES = 100;
    static final int CIFAR100_IMAGES = 40;

    final Path root;
    final SoftLabelDataset data;
    final Split split;
    final Path checkpoint;
    final byte[] checkpointBytes;
    /** An SNGP ResNet-8 trained the same way: the service computes the reference's Monte-Carlo metrics for it. */
    final byte[] sngpCheckpointBytes;

    final String datasetId;
    final DatasetManifest manifest;

    private EvaluationFixture(Path root, ObjectStore store, String datasetId) {
        this.root = root;
        this.datasetId = datasetId;
        this.data = SyntheticData.dataset(IMAGES, DATA_SEED);
        this.split = Splits.seeded(IMAGES, RUN_SEED);
        this.checkpoint = train(Method.BASIC, "run");
        try {
            this.checkpointBytes = Files.readAllBytes(checkpoint);
            this.sngpCheckpointBytes = Files.readAllBytes(train(Method.SNGP, "run-sngp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.manifest = writeDataset(store);
    }

    /** A client of the shared test store (the bucket created), for putting and checking objects directly. */
    static ObjectStore openStore() {
        TestInfrastructure infra = TestInfrastructure.get();
        ObjectStore store = new ObjectStore(
                ObjectStoreConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()));
        store.ensureBucket();
        return store;
    }

    static EvaluationFixture create(ObjectStore store, String datasetId) {
        try {
            return new EvaluationFixture(Files.createTempDirectory("evaluator-it"), store, datasetId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hard labels (argmax of the soft label) of the test split, in split order: the independent truth. */
    int[] testLabels() {
        int[] all = data.hardLabels();
        return Arrays.stream(split.test()).map(i -> all[i]).toArray();
    }

    private Path train(Method method, String dir) {
        TrainConfig config = TrainConfig.protocol(method, LabelMode.SOFT)
                .withModel(ModelConfig.defaults(method).withDepth(8))
                .withEpochs(1)
                .withBatchSize(32)
                .withWarmupEpochs(0)
                .withAugment(false)
                .withSeed(RUN_SEED);
        TrainResult result = Trainer.train(
                config, TrainingData.of(data, split, config), Trainer.Options.defaults(root.resolve(dir)), null);
        return result.bestCheckpoint();
    }

    private DatasetManifest writeDataset(ObjectStore store) {
        Map<String, SplitEntry> splits = new LinkedHashMap<>();
        splits.put(DatasetManifest.SPLIT_TRAIN, split(store, DatasetManifest.SPLIT_TRAIN, split.train()));
        splits.put(DatasetManifest.SPLIT_VALIDATION, split(store, DatasetManifest.SPLIT_VALIDATION, split.val()));
        splits.put(DatasetManifest.SPLIT_TEST, split(store, DatasetManifest.SPLIT_TEST, split.test()));
        ChannelStats stats = ChannelStats.of(data.images(), split.train());
        SeedEntry seed = new SeedEntry(RUN_SEED, doubles(stats.meanAsFloats()), doubles(stats.stdAsFloats()), splits);
        Map<String, OodEntry> ood = new LinkedHashMap<>();
        ood.put("svhn", ood(store, "svhn", SyntheticData.svhnLikeImages(SVHN_IMAGES, 31)));
        ood.put("cifar100", ood(store, "cifar100", SyntheticData.cifar100LikeImages(CIFAR100_IMAGES, 32)));
        List<Integer> tens = List.of(40, 40, 40, 40, 40, 40, 40, 40, 40, 40);
        DatasetManifest m = new DatasetManifest(
                DatasetManifest.FORMAT_VERSION,
                datasetId,
                Instant.now(),
                new DatasetSpec(null, null, null, List.of(RUN_SEED), null, null, List.of("svhn", "cifar100"), null),
                List.of(),
                List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                10,
                DatasetManifest.IMAGE_SHAPE,
                List.of(seed),
                ood,
                new DatasetStatistics(IMAGES, tens, tens, 0.5, 0.5, 1.0));
        store.putJson(ObjectKeys.manifest(datasetId), m.toJson());
        return m;
    }

    /** The same dataset under another id, with the test split's shard pointing at an object that does not exist. */
    DatasetManifest withMissingTestShard(ObjectStore store, String otherId) {
        SeedEntry seed = manifest.seeds().get(0);
        SplitEntry test = seed.split(DatasetManifest.SPLIT_TEST).orElseThrow();
        Shard real = test.shards().get(0);
        Shard gone = new Shard(
                ObjectKeys.shard(otherId, RUN_SEED, DatasetManifest.SPLIT_TEST, 0),
                real.sha256(),
                real.bytes(),
                real.count());
        Map<String, SplitEntry> splits = new LinkedHashMap<>(seed.splits());
        splits.put(
                DatasetManifest.SPLIT_TEST,
                new SplitEntry(test.count(), test.classCounts(), test.meanEntropy(), List.of(gone)));
        DatasetManifest m = new DatasetManifest(
                manifest.formatVersion(),
                otherId,
                manifest.createdAt(),
                manifest.spec(),
                manifest.inputs(),
                manifest.classNames(),
                manifest.numClasses(),
                manifest.imageShape(),
                List.of(new SeedEntry(seed.seed(), seed.trainMean(), seed.trainStd(), splits)),
                manifest.ood(),
                manifest.statistics());
        store.putJson(ObjectKeys.manifest(otherId), m.toJson());
        return m;
    }

    private SplitEntry split(ObjectStore store, String name, int[] indices) {
        String key = ObjectKeys.shard(datasetId, RUN_SEED, name, 0);
        ShardInfo info = ShardWriter.write(root.resolve(name + ".npz"), data.subset(indices), indices);
        store.putFile(key, info.file(), "application/octet-stream");
        int[] counts = new int[10];
        for (int i : indices) {
            counts[data.hardLabel(i)]++;
        }
        return new SplitEntry(
                indices.length,
                Arrays.stream(counts).boxed().toList(),
                0.5,
                List.of(new Shard(key, info.sha256(), info.bytes(), info.count())));
    }

    private OodEntry ood(ObjectStore store, String name, LabeledImages images) {
        String key = ObjectKeys.oodShard(datasetId, name, 0);
        ShardInfo info = ShardWriter.writeOod(
                root.resolve(name + ".npz"),
                images,
                IntStream.range(0, images.count()).toArray());
        store.putFile(key, info.file(), "application/octet-stream");
        return new OodEntry(images.count(), List.of(new Shard(key, info.sha256(), info.bytes(), info.count())));
    }

    private static List<Double> doubles(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }
}
