package io.softcifar.ml.data.shard;

import io.softcifar.ml.data.InvalidDataException;
import java.util.ArrayList;
import java.util.List;

/** Names and limits of the shard format (see the package documentation). */
public final class ShardFormat {

    /** uint8 (N, 3, 32, 32), NCHW. */
    public static final String IMAGES = "images.npy";
    /** float32 (N, K). */
    public static final String SOFT_LABELS = "soft_labels.npy";
    /** int64 (N,), argmax of the soft label. */
    public static final String HARD_LABELS = "hard_labels.npy";
    /** int64 (N,), index of each image in its source file. */
    public static final String INDICES = "indices.npy";

    /** Entries of a labeled shard, in the order the writer stores them. */
    public static final List<String> LABELED_ENTRIES = List.of(IMAGES, SOFT_LABELS, HARD_LABELS, INDICES);
    /** Entries of an OOD shard, in the order the writer stores them. */
    public static final List<String> OOD_ENTRIES = List.of(IMAGES, INDICES);

    /** Images per shard unless configured otherwise (15 MB of pixels). */
    public static final int DEFAULT_MAX_IMAGES_PER_SHARD = 5_000;

    /** Label that OOD images get in memory (OOD shards store no labels). */
    public static final int NO_LABEL = -1;

    private ShardFormat() {}

    /** A half-open range {@code [from, to)} of positions in a split. */
    public record Range(int from, int to) {
        public int count() {
            return to - from;
        }
    }

    /**
     * How a split of {@code n} items is cut into shards: consecutive ranges of {@code maxPerShard} items, the last one
     * possibly smaller; none for {@code n = 0}.
     *
     * @throws InvalidDataException naming {@code maxImagesPerShard} if it is not ≥ 1
     */
    public static List<Range> ranges(int n, int maxPerShard) {
        if (maxPerShard < 1) {
            throw InvalidDataException.forField("maxImagesPerShard", maxPerShard + " is not ≥ 1");
        }
        if (n < 0) {
            throw InvalidDataException.forField("n", n + " is negative");
        }
        List<Range> out = new ArrayList<>();
        for (int from = 0; from < n; from += maxPerShard) {
            out.add(new Range(from, Math.min(n, from + maxPerShard)));
        }
        return out;
    }
}
