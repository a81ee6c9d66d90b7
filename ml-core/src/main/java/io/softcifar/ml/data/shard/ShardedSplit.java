package io.softcifar.ml.data.shard;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.Split;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a split (or an OOD set) back from its shards: each file's SHA-256 is checked against the manifest's value,
 * each shard is fully validated ({@link ShardReader}), and the shards are concatenated in the given (manifest) order.
 * An index that appears twice within the split is rejected.
 */
public final class ShardedSplit {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedSplit.class);

    private ShardedSplit() {}

    /**
     * A dataset made of three splits one after the other, with the {@link Split} that selects them — what
     * {@code TrainingData.of(data, split, config)} and the evaluator take.
     */
    public record TrainValTest(SoftLabelDataset data, Split split) {}

    /**
     * Reads and concatenates the labeled shards of one split.
     *
     * @throws InvalidDataException naming the file on a checksum mismatch, invalid content, a different number of
     *     classes than the first shard, or a repeated index; naming {@code shards} if the list is empty
     */
    public static LabeledShard load(List<ShardFile> shards) {
        requireSome(shards);
        List<LabeledShard> parts = new ArrayList<>(shards.size());
        BitSet seen = new BitSet();
        int k = -1;
        for (ShardFile s : shards) {
            LabeledShard part = ShardReader.read(s.file(), s.sha256());
            if (k < 0) {
                k = part.data().numClasses();
            } else if (part.data().numClasses() != k) {
                throw InvalidDataException.forFile(
                        s.file(),
                        ShardFormat.SOFT_LABELS + " has " + part.data().numClasses() + " classes but "
                                + shards.get(0).file() + " has " + k);
            }
            checkUnique(s, part.indices(), seen);
            parts.add(part);
            LOG.debug("read {} ({} images)", s.file(), part.count());
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return concat(shards.get(0).file().getParent() + " (" + shards.size() + " shards)", parts);
    }

    /** Reads and concatenates the OOD shards of one OOD set (checks as in {@link #load}). */
    public static OodShard loadOod(List<ShardFile> shards) {
        requireSome(shards);
        List<OodShard> parts = new ArrayList<>(shards.size());
        BitSet seen = new BitSet();
        for (ShardFile s : shards) {
            OodShard part = ShardReader.readOod(s.file(), s.sha256());
            checkUnique(s, part.indices(), seen);
            parts.add(part);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        LabeledImages images =
                LabeledImages.concat(parts.stream().map(OodShard::images).toArray(LabeledImages[]::new));
        return new OodShard(
                images, concatIndices(parts.stream().map(OodShard::indices).toList()));
    }

    /**
     * Joins the three splits of one seed into one dataset (train, then validation, then test) and the {@link Split}
     * of positions that selects each part again.
     */
    public static TrainValTest combine(LabeledShard train, LabeledShard validation, LabeledShard test) {
        Objects.requireNonNull(test, "test");
        return joined("train + validation + test shards", train, validation, test);
    }

    /**
     * What training needs of one seed: the train split, then the validation split, with a {@link Split} whose test
     * part is empty (a trainer never reads the test split, which under protocol peterson holds 50,000 images).
     */
    public static TrainValTest trainAndValidation(LabeledShard train, LabeledShard validation) {
        return joined("train + validation shards", train, validation);
    }

    /** Train, validation and any test parts one after the other, and the split that selects each again. */
    private static TrainValTest joined(
            String source, LabeledShard train, LabeledShard validation, LabeledShard... test) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        List<LabeledShard> parts = new ArrayList<>(List.of(train, validation));
        parts.addAll(List.of(test));
        LabeledShard all = concat(source, parts);
        int trainAndValidation = train.count() + validation.count();
        return new TrainValTest(
                all.data(),
                new Split(
                        range(0, train.count()),
                        range(train.count(), trainAndValidation),
                        range(trainAndValidation, all.count())));
    }

    private static LabeledShard concat(String source, List<LabeledShard> parts) {
        int k = parts.get(0).data().numClasses();
        int n = parts.stream().mapToInt(LabeledShard::count).sum();
        double[][] rows = new double[n][];
        int at = 0;
        for (LabeledShard p : parts) {
            if (p.data().numClasses() != k) {
                throw InvalidDataException.forField(
                        "shards", "splits with " + k + " and " + p.data().numClasses() + " classes cannot be combined");
            }
            SoftLabels s = p.data().softLabels();
            for (int i = 0; i < p.count(); i++) {
                rows[at++] = s.row(i);
            }
        }
        LabeledImages images =
                LabeledImages.concat(parts.stream().map(p -> p.data().images()).toArray(LabeledImages[]::new));
        SoftLabelDataset data = new SoftLabelDataset(images, SoftLabels.of(source, rows));
        return new LabeledShard(
                data, concatIndices(parts.stream().map(LabeledShard::indices).toList()));
    }

    private static int[] concatIndices(List<int[]> parts) {
        int[] out = new int[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static void requireSome(List<ShardFile> shards) {
        if (shards == null || shards.isEmpty()) {
            throw InvalidDataException.forField("shards", "no shard files given");
        }
    }

    private static void checkUnique(ShardFile s, int[] indices, BitSet seen) {
        for (int i = 0; i < indices.length; i++) {
            if (seen.get(indices[i])) {
                throw InvalidDataException.forFile(
                        s.file(),
                        ShardFormat.INDICES + " row " + i + ": index " + indices[i] + " occurs twice in this split");
            }
            seen.set(indices[i]);
        }
    }
}
