package io.softcifar.contracts.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headline of a built dataset, carried by {@code DatasetReady} so consumers need not fetch the manifest to show it.
 *
 * @param images      CIFAR-10H images used
 * @param classCounts images per hard label
 * @param meanEntropy mean entropy of the soft labels (natural log)
 * @param seeds       the seeds it was built for
 * @param splits      split name → image count (the same for every seed)
 */
public record DatasetSummary(
        int images, List<Integer> classCounts, double meanEntropy, List<Long> seeds, Map<String, Integer> splits) {

    public DatasetSummary {
        classCounts = classCounts == null ? null : List.copyOf(classCounts);
        seeds = seeds == null ? null : List.copyOf(seeds);
        splits = splits == null ? null : Map.copyOf(splits);
    }

    /** The summary of a manifest, so producers cannot make the two disagree. */
    public static DatasetSummary of(DatasetManifest manifest) {
        Map<String, Integer> splitCounts = new LinkedHashMap<>();
        if (!manifest.seeds().isEmpty()) {
            manifest.seeds().get(0).splits().forEach((name, split) -> splitCounts.put(name, split.count()));
        }
        DatasetStatistics stats = manifest.statistics();
        return new DatasetSummary(
                stats.images(),
                stats.hardClassCounts(),
                stats.meanEntropy(),
                manifest.seeds().stream().map(SeedEntry::seed).toList(),
                splitCounts);
    }
}
