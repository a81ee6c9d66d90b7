package io.softcifar.contracts.dataset;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The splits of one seed. Normalization statistics live here because they are computed on the train split, which
 * differs per seed.
 *
 * @param seed      the split seed
 * @param trainMean per-channel (R, G, B) mean of the train images, pixel scale 0..1
 * @param trainStd  per-channel standard deviation of the train images, pixel scale 0..1
 * @param splits    split name (train, validation, test) → its content
 */
public record SeedEntry(long seed, List<Double> trainMean, List<Double> trainStd, Map<String, SplitEntry> splits) {

    public SeedEntry {
        trainMean = trainMean == null ? null : List.copyOf(trainMean);
        trainStd = trainStd == null ? null : List.copyOf(trainStd);
        splits = splits == null ? null : Map.copyOf(splits);
    }

    /** One split by name ({@code DatasetManifest.SPLIT_TRAIN}, ...). */
    public Optional<SplitEntry> split(String name) {
        return Optional.ofNullable(splits.get(name));
    }
}
