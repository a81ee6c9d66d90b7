package io.softcifar.ml.data.shard;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.SoftLabelDataset;
import java.util.Objects;

/**
 * The contents of one labeled shard, or of all shards of a split concatenated: the images with their soft labels
 * (whose argmax is the hard label) and, per image, its index in the source file. The images' own labels are the hard
 * labels (shards do not store the official labels). {@code indices} is shared, not copied: treat it as read-only.
 */
public record LabeledShard(SoftLabelDataset data, int[] indices) {

    public LabeledShard {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(indices, "indices");
        if (indices.length != data.size()) {
            throw InvalidDataException.forField("indices", indices.length + " indices for " + data.size() + " images");
        }
    }

    public int count() {
        return data.size();
    }
}
