package io.softcifar.evaluator.service;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.OodEntry;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.data.shard.ShardFile;
import io.softcifar.ml.data.shard.ShardedSplit;
import io.softcifar.ml.eval.OodSets;
import io.softcifar.storage.NoSuchObjectException;
import io.softcifar.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fetches what an evaluation reads from the object store into a staging folder, verifying every file: the checkpoint
 * against the SHA-256 and size of its {@code checkpoint.published} event, the shards against the dataset manifest.
 * Each object lands at {@code staging/<its key>}, so an error of ml-core that names a local file can be reported
 * with the object key instead. Every problem of the inputs is an {@link EvaluationFailure} marked bad input.
 */
@ApplicationScoped
public class EvaluationInputs {

    @Inject
    ObjectStore store;

    /** Downloads the announced checkpoint and checks its size and SHA-256. */
    public Path checkpoint(CheckpointPublished event, Path staging) {
        String key = requireRelativeKey("checkpoint key", event.key());
        Path file = download(key, staging, "checkpoint");
        String sha = Sha256.ofFile(file);
        if (event.sha256() == null || !sha.equals(event.sha256().toLowerCase(Locale.ROOT))) {
            throw EvaluationFailure.badInput("checkpoint " + key + ": SHA-256 is " + sha + " but the event announced "
                    + event.sha256() + " (corrupt or replaced after publishing; re-publish the run's best checkpoint)");
        }
        long size = size(file);
        if (size != event.bytes()) {
            throw EvaluationFailure.badInput(
                    "checkpoint " + key + ": " + size + " bytes but the event announced " + event.bytes());
        }
        return file;
    }

    /** The dataset's manifest as read, and its bytes (whose SHA-256 goes into the evaluation's provenance). */
    public record ReadManifest(DatasetManifest manifest, byte[] bytes) {}

    /** The dataset's manifest; a dataset without one does not exist (or is still being built). */
    public ReadManifest manifest(String datasetId) {
        String key = ObjectKeys.manifest(datasetId);
        byte[] bytes;
        try {
            bytes = store.getBytes(key);
        } catch (NoSuchObjectException e) {
            throw EvaluationFailure.badInput(
                    "dataset " + datasetId + " does not exist (no " + key + " in bucket " + store.bucket() + ")", e);
        }
        try {
            return new ReadManifest(DatasetManifest.parse(new String(bytes, StandardCharsets.UTF_8)), bytes);
        } catch (JsonDecodingException e) {
            throw EvaluationFailure.badInput(key + ": not a readable dataset manifest: " + e.getMessage(), e);
        }
    }

    /** The seed's entry of the manifest. */
    public static SeedEntry seedEntry(DatasetManifest manifest, long seed) {
        return manifest.forSeed(seed)
                .orElseThrow(() -> EvaluationFailure.badInput("dataset " + manifest.datasetId()
                        + " has no split for seed " + seed + " (the checkpoint's run seed; the dataset has seeds "
                        + manifest.seeds().stream().map(SeedEntry::seed).toList() + ")"));
    }

    /** Downloads and reads the seed's test split, every shard verified against the manifest's SHA-256. */
    public LabeledShard testSplit(DatasetManifest manifest, SeedEntry seed, Path staging) {
        SplitEntry test = seed.split(DatasetManifest.SPLIT_TEST)
                .orElseThrow(() -> EvaluationFailure.badInput("dataset " + manifest.datasetId() + ", seed "
                        + seed.seed() + ": the manifest lists no test split"));
        if (test.shards() == null || test.shards().isEmpty()) {
            throw EvaluationFailure.badInput(
                    "dataset " + manifest.datasetId() + ", seed " + seed.seed() + ": the test split has no shards");
        }
        List<ShardFile> files = fetchShards(test.shards(), staging);
        try {
            return ShardedSplit.load(files);
        } catch (InvalidDataException e) {
            throw EvaluationFailure.badInput(relative(e.getMessage(), staging), e);
        }
    }

    /**
     * Downloads and reads every OOD set of the manifest that the evaluator knows ({@link OodSets#NAMES}, in that
     * order); a set of another name is skipped with a note. The evaluator draws the seeded subset of the test
     * split's size from each (ml-core's {@code Evaluator}).
     */
    public Map<String, LabeledImages> oodSets(DatasetManifest manifest, Path staging, List<String> notes) {
        Map<String, LabeledImages> out = new LinkedHashMap<>();
        Map<String, OodEntry> ood = manifest.ood() == null ? Map.of() : manifest.ood();
        for (String name : OodSets.NAMES) {
            OodEntry entry = ood.get(name);
            if (entry == null) {
                continue;
            }
            if (entry.shards() == null || entry.shards().isEmpty()) {
                throw EvaluationFailure.badInput(
                        "dataset " + manifest.datasetId() + ": OOD set " + name + " has no shards");
            }
            List<ShardFile> files = fetchShards(entry.shards(), staging);
            try {
                out.put(name, ShardedSplit.loadOod(files).images());
            } catch (InvalidDataException e) {
                throw EvaluationFailure.badInput(relative(e.getMessage(), staging), e);
            }
        }
        List<String> unknown = new ArrayList<>(ood.keySet());
        unknown.removeAll(OodSets.NAMES);
        if (!unknown.isEmpty()) {
            notes.add(
                    "OOD sets " + unknown.stream().sorted().toList() + " of the dataset are not known to the evaluator"
                            + " (it knows " + OodSets.NAMES + ") and were skipped");
        }
        if (out.isEmpty()) {
            notes.add("the dataset has no OOD set: no ood/* metrics");
        }
        return out;
    }

    private List<ShardFile> fetchShards(List<Shard> shards, Path staging) {
        List<ShardFile> files = new ArrayList<>();
        for (Shard shard : shards) {
            String key = requireRelativeKey("shard key", shard.key());
            Path file = download(key, staging, "shard");
            String sha = Sha256.ofFile(file);
            if (!sha.equalsIgnoreCase(shard.sha256())) {
                throw EvaluationFailure.badInput("shard " + key + ": SHA-256 is " + sha + " but the manifest expects "
                        + shard.sha256() + " (corrupt or replaced shard; rebuild the dataset)");
            }
            files.add(new ShardFile(file, shard.sha256()));
        }
        return files;
    }

    private Path download(String key, Path staging, String what) {
        Path file = staging.resolve(key);
        try {
            store.download(key, file);
        } catch (NoSuchObjectException e) {
            throw EvaluationFailure.badInput(what + " " + key + " is missing from bucket " + store.bucket(), e);
        }
        return file;
    }

    /** An error message with the staging folder cut off, so that it names object keys. */
    static String relative(String message, Path staging) {
        if (message == null) {
            return "";
        }
        String prefix = staging.toAbsolutePath().toString();
        return message.replace(prefix + "/", "").replace(prefix, "");
    }

    private static String requireRelativeKey(String what, String key) {
        if (key == null || key.isBlank() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw EvaluationFailure.badInput(what + ": '" + key + "' is not an object key");
        }
        return key;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
