package io.softcifar.contracts.dataset;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.contracts.spec.DatasetSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The description of a built dataset, stored as {@code datasets/{datasetId}/manifest.json} by the dataset service and
 * read by the trainer and evaluator. It lists every shard with its checksum, so a reader never lists the bucket, and
 * the train-split normalization of every seed, so training and evaluation normalize identically.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; readers refuse newer versions ({@link #parse})
 * @param datasetId     the dataset's id
 * @param createdAt     when the dataset service finished it
 * @param spec          the request, with defaults applied
 * @param inputs        the files it was built from, with checksums
 * @param classNames    class names in label order
 * @param numClasses    10
 * @param imageShape    [3, 32, 32] (channels, height, width; shards store uint8 NCHW)
 * @param seeds         one entry per seed of the spec, in the spec's order
 * @param ood           OOD set name (svhn, cifar100) → its shards; empty when the spec asks for none
 * @param statistics    facts about the labels of all images used
 */
public record DatasetManifest(
        int formatVersion,
        String datasetId,
        Instant createdAt,
        DatasetSpec spec,
        List<InputFile> inputs,
        List<String> classNames,
        int numClasses,
        List<Integer> imageShape,
        List<SeedEntry> seeds,
        Map<String, OodEntry> ood,
        DatasetStatistics statistics) {

    public static final int FORMAT_VERSION = 1;
    public static final List<Integer> IMAGE_SHAPE = List.of(3, 32, 32);

    public static final String SPLIT_TRAIN = "train";
    public static final String SPLIT_VALIDATION = "validation";
    public static final String SPLIT_TEST = "test";
    /** Split names as they appear in {@link SeedEntry#splits()} and in shard keys. */
    public static final List<String> SPLITS = List.of(SPLIT_TRAIN, SPLIT_VALIDATION, SPLIT_TEST);

    public DatasetManifest {
        inputs = inputs == null ? null : List.copyOf(inputs);
        classNames = classNames == null ? null : List.copyOf(classNames);
        imageShape = imageShape == null ? null : List.copyOf(imageShape);
        seeds = seeds == null ? null : List.copyOf(seeds);
        ood = ood == null ? null : Map.copyOf(ood);
    }

    /** The entry of one seed, empty if the dataset was not built for it. */
    public Optional<SeedEntry> forSeed(long seed) {
        return seeds.stream().filter(s -> s.seed() == seed).findFirst();
    }

    /** Pretty-printed JSON, as stored in the bucket. */
    public String toJson() {
        return EventCodec.toPrettyJson(this);
    }

    /**
     * Reads a stored manifest.
     *
     * @throws JsonDecodingException with a one-line message if it is not a manifest or its format is newer than
     *     {@value #FORMAT_VERSION} (the reader must be updated)
     */
    public static DatasetManifest parse(String json) {
        DatasetManifest manifest = EventCodec.fromJson(json, DatasetManifest.class);
        if (manifest.formatVersion() > FORMAT_VERSION || manifest.formatVersion() < 1) {
            throw new JsonDecodingException("manifest of " + manifest.datasetId() + ": formatVersion "
                    + manifest.formatVersion() + " is not supported (this reader knows 1.." + FORMAT_VERSION
                    + "; update the service)");
        }
        return manifest;
    }
}
