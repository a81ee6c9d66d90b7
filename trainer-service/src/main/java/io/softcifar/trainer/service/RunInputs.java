package io.softcifar.trainer.service;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.data.shard.ShardFile;
import io.softcifar.ml.data.shard.ShardedSplit;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * What a run trains from, fetched from the bucket: the dataset manifest and the seed's entry, the seed's shards
 * (SHA-256 checked against the manifest by ml-core's {@link ShardedSplit}), and the checkpoints an earlier attempt
 * left.
 */
final class RunInputs {

    /** The executor's category, so that the log lines of a run stay under one name. */
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** The splits training reads (the manifest's names); the test split is the evaluator's. */
    static final List<String> TRAINING_SPLITS = List.of(DatasetManifest.SPLIT_TRAIN, DatasetManifest.SPLIT_VALIDATION);

    /** A run's dataset: its manifest (parsed and as stored) and the entry of the run's seed. */
    record Dataset(DatasetManifest manifest, byte[] manifestBytes, SeedEntry seed) {}

    private final ObjectStore store;
    private final RunOutcomes outcomes;
    private final TrainerMetrics metrics;

    /**
     * The seeds' data this process has loaded, by the SHA-256s of their shards (content, not names): runs on the same
     * shards — the configurations and label modes of a study share a seed's data — use one download, one decoding and
     * one copy in memory; a run that asks while another is loading the same shards waits for it. Held softly: the JVM
     * drops an entry under memory pressure, and the next run loads it again.
     */
    private final Map<String, SoftReference<ShardedSplit.TrainValTest>> loaded = new ConcurrentHashMap<>();

    private final Map<String, Object> loading = new ConcurrentHashMap<>();

    RunInputs(ObjectStore store, RunOutcomes outcomes, TrainerMetrics metrics) {
        this.store = store;
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    /**
     * The spec's dataset and seed entry.
     *
     * @throws io.softcifar.service.events.RejectedEventException after publishing training.failed, when the dataset
     *     does not exist or has no split for the seed
     */
    Dataset dataset(String runId, Correlation corr, RunSpec spec, long token) {
        String datasetId = spec.datasetId();
        String manifestKey = ObjectKeys.manifest(datasetId);
        if (!store.exists(manifestKey)) {
            throw outcomes.fail(
                    runId,
                    corr,
                    "dataset " + datasetId + " does not exist (no " + manifestKey + " in bucket " + store.bucket()
                            + "); build it with the dataset-service first",
                    List.of(new FieldError("datasetId", "dataset " + datasetId + " does not exist")),
                    "rejected",
                    token);
        }
        byte[] manifestBytes = store.getBytes(manifestKey);
        DatasetManifest manifest = DatasetManifest.parse(new String(manifestBytes, StandardCharsets.UTF_8));
        long seed = spec.seed();
        SeedEntry seedEntry = manifest.forSeed(seed)
                .orElseThrow(() -> outcomes.fail(
                        runId,
                        corr,
                        "dataset " + datasetId
                                + " has no split for seed " + seed + " (it was built for seeds "
                                + manifest.seeds().stream()
                                        .map(s -> String.valueOf(s.seed()))
                                        .collect(Collectors.joining(", "))
                                + ")",
                        List.of(new FieldError("seed", "dataset " + datasetId + " has no split for seed " + seed)),
                        "rejected",
                        token));
        return new Dataset(manifest, manifestBytes, seedEntry);
    }

    static SplitEntry split(SeedEntry seed, String name) {
        return seed.split(name)
                .orElseThrow(() -> InvalidDataException.forField(
                        "manifest", "seed " + seed.seed() + " has no " + name + " split"));
    }

    /** Downloads the resume point and the best model an earlier attempt left; returns the epochs they cover. */
    int restoreCheckpoints(String runId, Path checkpoints) {
        String lastKey = RunKeys.lastCheckpoint(runId);
        if (!store.exists(lastKey)) {
            return 0;
        }
        Path last = checkpoints.resolve(Trainer.LAST);
        store.download(lastKey, last);
        String bestKey = RunKeys.bestCheckpoint(runId);
        if (store.exists(bestKey)) {
            store.download(bestKey, checkpoints.resolve(Trainer.BEST));
        }
        int epochs = Checkpoint.readHeader(last).epochsCompleted();
        LOG.infof("run %s: found its epoch-%d checkpoint in the bucket; resuming from it", runId, epochs);
        return epochs;
    }

    /**
     * The run's arrays from the seed's train and validation splits: shared with other runs of this process on the
     * same shards, else downloaded once and checked against the manifest.
     */
    TrainingData loadData(DatasetManifest manifest, SeedEntry seed, Path dataDir, TrainConfig config)
            throws IOException {
        String key = contentKey(seed);
        synchronized (loading.computeIfAbsent(key, k -> new Object())) {
            SoftReference<ShardedSplit.TrainValTest> ref = loaded.get(key);
            ShardedSplit.TrainValTest all = ref == null ? null : ref.get();
            if (all != null) {
                LOG.infof(
                        "dataset %s seed %d: %d images already in this process (shared, not downloaded)",
                        manifest.datasetId(), seed.seed(), all.data().size());
                metrics.dataLoad("shared");
            } else {
                all = download(manifest, seed, dataDir);
                loaded.put(key, new SoftReference<>(all));
                metrics.dataLoad("bucket");
            }
            return TrainingData.of(all.data(), all.split(), config);
        }
    }

    /** The seed's shards by content: their SHA-256s, split by split, in order. */
    static String contentKey(SeedEntry seed) {
        StringBuilder key = new StringBuilder();
        for (String name : TRAINING_SPLITS) {
            key.append(name).append(':');
            for (Shard shard : split(seed, name).shards()) {
                key.append(shard.sha256()).append(',');
            }
            key.append(';');
        }
        return key.toString();
    }

    /** Downloads the seed's train and validation splits and checks them against the manifest. */
    private ShardedSplit.TrainValTest download(DatasetManifest manifest, SeedEntry seed, Path dataDir)
            throws IOException {
        Files.createDirectories(dataDir);
        long start = System.nanoTime();
        List<LabeledShard> parts = new ArrayList<>();
        long bytes = 0;
        for (String name : TRAINING_SPLITS) {
            List<ShardFile> files = new ArrayList<>();
            for (Shard shard : split(seed, name).shards()) {
                Path file = dataDir.resolve(shard.key().substring(shard.key().lastIndexOf('/') + 1));
                bytes += store.download(shard.key(), file);
                files.add(new ShardFile(file, shard.sha256()));
            }
            parts.add(ShardedSplit.load(files)); // verifies each file's SHA-256 against the manifest's
        }
        ShardedSplit.TrainValTest all = ShardedSplit.trainAndValidation(parts.get(0), parts.get(1));
        LOG.infof(
                "dataset %s seed %d: %d images (%.1f MB) loaded in %.1f s",
                manifest.datasetId(), seed.seed(), all.data().size(), bytes / 1e6, (System.nanoTime() - start) / 1e9);
        return all;
    }
}
