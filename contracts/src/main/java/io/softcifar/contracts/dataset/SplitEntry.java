package io.softcifar.contracts.dataset;

import io.softcifar.contracts.Nullable;
import java.util.List;

/**
 * One split of one seed.
 *
 * @param count       images in the split
 * @param classCounts images per class by hard label (argmax of CIFAR-10H; official label for peterson's test split)
 * @param meanEntropy mean entropy (natural log) of the soft labels; null where there are none (peterson's test split)
 * @param shards      the .npz files holding the split, in order (format: ml-core's {@code io.softcifar.ml.data.shard})
 */
public record SplitEntry(
        int count, List<Integer> classCounts, @Nullable Double meanEntropy, List<Shard> shards) {

    public SplitEntry {
        classCounts = classCounts == null ? null : List.copyOf(classCounts);
        shards = shards == null ? null : List.copyOf(shards);
    }
}
