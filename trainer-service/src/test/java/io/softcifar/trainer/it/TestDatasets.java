package io.softcifar.trainer.it;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.Sources;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.data.shard.ShardInfo;
import io.softcifar.ml.data.shard.ShardWriter;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Puts a small synthetic dataset into the bucket the way the dataset-service would: one shard per split of one seed
 * (written with ml-core's ShardWriter) and a manifest listing them with their SHA-256, uploaded last.
 */
public final class TestDatasets {

    private TestDatasets() {}

    /** {@code n} images: 80 % train, 5 % validation, the rest test, in image order (seed {@code seed}). */
    public static DatasetManifest upload(ObjectStore store, String datasetId, int n, long seed) throws IOException {
        Path dir = Files.createTempDirectory("trainer-dataset-" + datasetId);
        SoftLabelDataset all = SyntheticData.dataset(n, 1000 + n + seed);
        int train = n * 80 / 100;
        int val = n * 5 / 100;
        Map<String, int[]> splits = new LinkedHashMap<>();
        splits.put(DatasetManifest.SPLIT_TRAIN, IntStream.range(0, train).toArray());
        splits.put(
                DatasetManifest.SPLIT_VALIDATION,
                IntStream.range(train, train + val).toArray());
        splits.put(DatasetManifest.SPLIT_TEST, IntStream.range(train + val, n).toArray());
        Map<String, SplitEntry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> split : splits.entrySet()) {
            SoftLabelDataset part = all.subset(split.getValue());
            String key = ObjectKeys.shard(datasetId, seed, split.getKey(), 0);
            ShardInfo info = ShardWriter.write(dir.resolve(split.getKey() + ".npz"), part, split.getValue());
            store.putFile(key, info.file(), "application/octet-stream");
            entries.put(
                    split.getKey(),
                    new SplitEntry(
                            part.size(),
                            classCounts(part.hardLabels()),
                            part.meanEntropy(),
                            List.of(new Shard(key, info.sha256(), info.bytes(), info.count()))));
        }
        ChannelStats stats = ChannelStats.of(all.images(), splits.get(DatasetManifest.SPLIT_TRAIN));
        DatasetManifest manifest = new DatasetManifest(
                DatasetManifest.FORMAT_VERSION,
                datasetId,
                Instant.now(),
                new DatasetSpec(null, Sources.fromDir(dir.toString()), null, List.of(seed), null, null, null, n)
                        .withDefaults(),
                List.of(),
                Cifar10hFolder.CIFAR10_CLASS_NAMES,
                10,
                DatasetManifest.IMAGE_SHAPE,
                List.of(new SeedEntry(seed, doubles(stats.mean()), doubles(stats.std()), entries)),
                Map.of(),
                new DatasetStatistics(
                        n,
                        classCounts(all.officialLabels()),
                        classCounts(all.hardLabels()),
                        all.meanEntropy(),
                        all.fractionUncertain(),
                        all.agreementWithOfficialLabels()));
        store.putJson(ObjectKeys.manifest(datasetId), manifest.toJson());
        return manifest;
    }

    private static List<Integer> classCounts(int[] labels) {
        int[] counts = new int[10];
        for (int l : labels) {
            counts[l]++;
        }
        return IntStream.of(counts).boxed().toList();
    }

    private static List<Double> doubles(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
