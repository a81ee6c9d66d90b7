package io.softcifar.contracts.storage;

import io.softcifar.contracts.dataset.DatasetManifest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The object-store layout of the whole pipeline, in one place. Every id that becomes part of a key is checked, so a
 * request can never address an object outside its own prefix ({@code ../x}, {@code a/b}).
 *
 * <pre>
 * datasets/{datasetId}/manifest.json
 * datasets/{datasetId}/seed-{seed}/{split}-{index:05d}.npz      split = train | validation | test
 * datasets/{datasetId}/ood/{name}-{index:05d}.npz               name = svhn | cifar100
 * runs/{runId}/checkpoints/epoch-{epoch:04d}.ckpt
 * runs/{runId}/checkpoints/last.ckpt                            the resume point
 * runs/{runId}/checkpoints/best.ckpt                            lowest validation loss
 * runs/{runId}/evaluation/{file}                                dump .npy files, dump.json, reliability.json, metrics.json
 * </pre>
 *
 * Zero-padded numbers keep a prefix listing in numeric order.
 */
public final class ObjectKeys {

    /** The bucket every service uses unless configured otherwise. */
    public static final String DEFAULT_BUCKET = "softcifar";

    public static final String MANIFEST_FILE = "manifest.json";
    public static final String LAST_CHECKPOINT_FILE = "last.ckpt";
    public static final String BEST_CHECKPOINT_FILE = "best.ckpt";
    /** The evaluation dump's index: what each .npy file is, and a NumPy recipe per metric. */
    public static final String DUMP_INDEX_FILE = "dump.json";

    public static final String RELIABILITY_FILE = "reliability.json";
    public static final String METRICS_FILE = "metrics.json";

    /** What {@link #isValidId} accepts, phrased for error messages. */
    public static final String ID_RULE = "must be 1-128 characters of letters, digits, '.', '_' and '-', without '..'";

    public static final int MAX_SHARD_INDEX = 99_999;
    public static final int MAX_EPOCH = 9_999;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private ObjectKeys() {}

    /** Whether {@code id} may appear as one segment of a key: no '/', no "..", not "." alone. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches() && !id.contains("..") && !id.equals(".");
    }

    /**
     * Returns {@code id} if {@link #isValidId valid}.
     *
     * @throws IllegalArgumentException naming {@code what} and the offending value
     */
    public static String requireId(String what, String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException(
                    what + ": " + ID_RULE + ", got " + (id == null ? "null" : "'" + id + "'"));
        }
        return id;
    }

    /** "datasets/{datasetId}/": everything of one dataset. */
    public static String datasetPrefix(String datasetId) {
        return "datasets/" + requireId("datasetId", datasetId) + "/";
    }

    public static String manifest(String datasetId) {
        return datasetPrefix(datasetId) + MANIFEST_FILE;
    }

    /** One shard of a split of one seed, e.g. {@code datasets/ds-1/seed-0/train-00000.npz}. */
    public static String shard(String datasetId, long seed, String split, int index) {
        if (seed < 0) {
            throw new IllegalArgumentException("seed: must be >= 0, got " + seed);
        }
        if (!DatasetManifest.SPLITS.contains(split)) {
            throw new IllegalArgumentException(
                    "split: must be one of " + String.join(", ", DatasetManifest.SPLITS) + ", got '" + split + "'");
        }
        return datasetPrefix(datasetId) + "seed-" + seed + "/" + split + "-" + shardIndex(index) + ".npz";
    }

    /** One shard of an out-of-distribution set, e.g. {@code datasets/ds-1/ood/svhn-00000.npz}. */
    public static String oodShard(String datasetId, String oodSet, int index) {
        return datasetPrefix(datasetId) + "ood/" + requireId("oodSet", oodSet) + "-" + shardIndex(index) + ".npz";
    }

    /** "runs/{runId}/": everything of one run. */
    public static String runPrefix(String runId) {
        return "runs/" + requireId("runId", runId) + "/";
    }

    /** "runs/{runId}/checkpoints/". */
    public static String checkpointPrefix(String runId) {
        return runPrefix(runId) + "checkpoints/";
    }

    /** The checkpoint after {@code epoch} (1-based as the trainer counts), e.g. {@code .../epoch-0005.ckpt}. */
    public static String epochCheckpoint(String runId, int epoch) {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("epoch: must be in 0.." + MAX_EPOCH + ", got " + epoch);
        }
        return checkpointPrefix(runId) + String.format(Locale.ROOT, "epoch-%04d.ckpt", epoch);
    }

    public static String lastCheckpoint(String runId) {
        return checkpointPrefix(runId) + LAST_CHECKPOINT_FILE;
    }

    public static String bestCheckpoint(String runId) {
        return checkpointPrefix(runId) + BEST_CHECKPOINT_FILE;
    }

    /** "runs/{runId}/evaluation/". */
    public static String evaluationPrefix(String runId) {
        return runPrefix(runId) + "evaluation/";
    }

    /** A file of a run's evaluation, e.g. {@code evaluationFile(id, METRICS_FILE)} or a dump's {@code probs.npy}. */
    public static String evaluationFile(String runId, String file) {
        return evaluationPrefix(runId) + requireId("file", file);
    }

    private static String shardIndex(int index) {
        if (index < 0 || index > MAX_SHARD_INDEX) {
            throw new IllegalArgumentException("shard index: must be in 0.." + MAX_SHARD_INDEX + ", got " + index);
        }
        return String.format(Locale.ROOT, "%05d", index);
    }
}
