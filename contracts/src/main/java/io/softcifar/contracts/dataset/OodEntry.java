package io.softcifar.contracts.dataset;

import java.util.List;

/**
 * An out-of-distribution set stored with the dataset. It is shared by all seeds: the evaluator draws a random subset
 * the size of the test split from it, as the protocol says.
 *
 * @param count  images in the set
 * @param shards the .npz files holding it, in order (format: ml-core's {@code io.softcifar.ml.data.shard})
 */
public record OodEntry(int count, List<Shard> shards) {

    public OodEntry {
        shards = shards == null ? null : List.copyOf(shards);
    }
}
