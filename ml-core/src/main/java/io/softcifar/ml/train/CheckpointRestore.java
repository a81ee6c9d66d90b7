package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.nn.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies a read {@link Checkpoint} to live objects: its model tensors into a {@link CifarNet}, its momentum buffers
 * into a {@link NesterovSgd}, checking that every tensor is present with the shape the target expects.
 * ({@link Checkpoint} is the file format: header, writing and reading.)
 */
public final class CheckpointRestore {

    private CheckpointRestore() {}

    /**
     * Copies a checkpoint's model tensors into {@code net} in place. Every tensor the model has must be present with
     * the same shape; a mismatch names the tensor (a checkpoint of another architecture or method).
     */
    public static void model(Checkpoint.Loaded loaded, CifarNet net) {
        Map<String, NDArray> target = new LinkedHashMap<>(net.namedParameters());
        target.putAll(net.namedBuffers());
        copyInto(loaded, Checkpoint.MODEL_PREFIX, target, "model");
    }

    /** Copies the momentum buffers into the optimizer (epoch checkpoints). */
    public static void optimizer(Checkpoint.Loaded loaded, NesterovSgd optimizer) {
        copyInto(loaded, Checkpoint.MOMENTUM_PREFIX, optimizer.state(), "optimizer");
    }

    private static void copyInto(Checkpoint.Loaded loaded, String prefix, Map<String, NDArray> target, String what) {
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NDArray stored = loaded.tensors().get(prefix + e.getKey());
            if (stored == null) {
                throw Checkpoint.invalid(
                        loaded.file(),
                        what + " tensor '" + e.getKey() + "' is missing (checkpoint of another"
                                + " architecture? it was written for " + describe(loaded.header()) + ")");
            }
            NDArray dest = e.getValue();
            if (!stored.getShape().equals(dest.getShape())) {
                throw Checkpoint.invalid(
                        loaded.file(),
                        what + " tensor '" + e.getKey() + "' has shape " + stored.getShape()
                                + " but this model expects " + dest.getShape()
                                + " (checkpoint of another architecture)");
            }
            NDArray converted = stored.toType(dest.getDataType(), false).toDevice(dest.getDevice(), false);
            // an element-wise copy into dest's own memory: NDArray.set(Buffer) would instead make dest borrow the
            // buffer (torch::from_blob, see nn.Scalars), memory the JVM may free while the model still uses it
            Autograd.noGrad(() -> dest.set(new NDIndex("..."), converted));
        }
    }

    private static String describe(Checkpoint.Header h) {
        ModelConfig m = h.config().model();
        return m.method().id() + " depth " + m.depth();
    }
}
