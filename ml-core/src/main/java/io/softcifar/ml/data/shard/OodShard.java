package io.softcifar.ml.data.shard;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import java.util.Objects;

/**
 * The contents of one OOD shard, or of all shards of an OOD set concatenated: images (label
 * {@link ShardFormat#NO_LABEL}) and, per image, its index in the source file. {@code indices} is shared, not copied.
 */
public record OodShard(LabeledImages images, int[] indices) {

    public OodShard {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(indices, "indices");
        if (indices.length != images.count()) {
            throw InvalidDataException.forField(
                    "indices", indices.length + " indices for " + images.count() + " images");
        }
    }

    public int count() {
        return images.count();
    }
}
