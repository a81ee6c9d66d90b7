package io.softcifar.dataset.imports;

import io.softcifar.contracts.dataset.OodEntry;
import io.softcifar.contracts.dataset.Shard;
import io.softcifar.contracts.dataset.SplitEntry;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.shard.ShardFormat;
import io.softcifar.ml.data.shard.ShardInfo;
import io.softcifar.ml.data.shard.ShardWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The shards of one dataset build: a split (or a whole OOD set) cut into shards of at most
 * {@code maxImagesPerShard} images, each written at {@code out/<object key>} ({@link ObjectKeys}), and described
 * by its manifest entry (keys, SHA-256, sizes, class counts, mean entropy).
 */
final class ShardOutput {

    /** The build's progress log. */
    @FunctionalInterface
    interface Progress {
        void log(String format, Object... args);
    }

    private final String id;
    private final Path out;
    private final int maxImagesPerShard;
    private final Progress progress;

    ShardOutput(String id, Path out, int maxImagesPerShard, Progress progress) {
        this.id = id;
        this.out = out;
        this.maxImagesPerShard = maxImagesPerShard;
        this.progress = progress;
    }

    /** Writes one split's shards; {@code items} is in split order, {@code indices} its source indices. */
    SplitEntry split(long seed, String name, SoftLabelDataset items, int[] indices, boolean humanLabels) {
        List<Shard> shards = new ArrayList<>();
        List<ShardFormat.Range> ranges = ShardFormat.ranges(items.size(), maxImagesPerShard);
        for (int s = 0; s < ranges.size(); s++) {
            ShardFormat.Range range = ranges.get(s);
            int[] pos = IntStream.range(range.from(), range.to()).toArray();
            String key = ObjectKeys.shard(id, seed, name, s);
            ShardInfo info = ShardWriter.write(
                    out.resolve(key), items.subset(pos), Arrays.copyOfRange(indices, range.from(), range.to()));
            shards.add(new Shard(key, info.sha256(), info.bytes(), info.count()));
            logShard(key, s, ranges.size(), info);
        }
        int[] hard = items.hardLabels();
        int[] classCounts = new int[SoftLabels.CIFAR10_CLASSES];
        for (int h : hard) {
            classCounts[h]++;
        }
        Double meanEntropy = humanLabels ? items.meanEntropy() : null;
        return new SplitEntry(items.size(), Arrays.stream(classCounts).boxed().toList(), meanEntropy, shards);
    }

    /** Writes a whole OOD set's shards, in the order of its file. */
    OodEntry ood(String set, LabeledImages images) {
        List<Shard> shards = new ArrayList<>();
        List<ShardFormat.Range> ranges = ShardFormat.ranges(images.count(), maxImagesPerShard);
        for (int s = 0; s < ranges.size(); s++) {
            ShardFormat.Range range = ranges.get(s);
            int[] pos = IntStream.range(range.from(), range.to()).toArray();
            String key = ObjectKeys.oodShard(id, set, s);
            ShardInfo info = ShardWriter.writeOod(out.resolve(key), images.subset(pos), pos);
            shards.add(new Shard(key, info.sha256(), info.bytes(), info.count()));
            logShard(key, s, ranges.size(), info);
        }
        return new OodEntry(images.count(), shards);
    }

    private void logShard(String key, int index, int of, ShardInfo info) {
        progress.log("wrote %s (%d/%d, %d images, %.1f MB)", key, index + 1, of, info.count(), info.bytes() / 1e6);
    }
}
