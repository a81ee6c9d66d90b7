package io.softcifar.ml.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.CifarNet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run: writing {@code last.ckpt} and {@code best.ckpt} with the run's header, and
 * restoring model, optimizer and bookkeeping from {@code last.ckpt} when a run resumes (refusing a checkpoint of
 * another configuration or of kind {@code best}).
 */
record RunCheckpoints(
        TrainConfig config,
        TrainingData data,
        Trainer.Options options,
        NDManager root,
        CifarNet net,
        NesterovSgd optimizer) {

    /** Logged under the trainer's category, as before the split. */
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** What a resumed run continues from. */
    record Resumed(
            int epochsCompleted, List<EpochStats> history, double bestValLoss, int bestEpoch, double bestValAccuracy) {}

    Resumed resume(Path last) {
        try (NDManager tmp = root.newSubManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(last, tmp);
            Checkpoint.Header h = loaded.header();
            if (!h.config().equals(config)) {
                throw new IllegalArgumentException(last + ": belongs to a different run configuration (" + h.config()
                        + "); use another --out folder or delete it to start over");
            }
            if (h.kind() != Checkpoint.Kind.EPOCH) {
                throw new IllegalArgumentException(last + ": is a '" + h.kind() + "' checkpoint, cannot resume");
            }
            CheckpointRestore.model(loaded, net);
            CheckpointRestore.optimizer(loaded, optimizer);
            double bestValAccuracy = h.history().stream()
                    .filter(s -> s.epoch() == h.bestEpoch())
                    .mapToDouble(EpochStats::valAccuracy)
                    .findFirst()
                    .orElse(Double.NaN);
            LOG.info(
                    "resuming {} after epoch {} (best val loss {} at epoch {})",
                    options.outDir(),
                    h.epochsCompleted(),
                    h.bestValLoss(),
                    h.bestEpoch());
            return new Resumed(h.epochsCompleted(), h.history(), h.bestValLoss(), h.bestEpoch(), bestValAccuracy);
        }
    }

    /** Writes the model (and the optimizer's momentum when {@code withOptimizer}) with the run's header so far. */
    void write(
            Path file,
            Checkpoint.Kind kind,
            int epochsCompleted,
            boolean withOptimizer,
            double bestValLoss,
            int bestEpoch,
            List<EpochStats> history) {
        Map<String, NDArray> model = new LinkedHashMap<>(net.namedParameters());
        model.putAll(net.namedBuffers());
        Checkpoint.Header header = new Checkpoint.Header(
                Checkpoint.FORMAT,
                Checkpoint.VERSION,
                kind,
                epochsCompleted,
                config,
                data.mean(),
                data.std(),
                bestValLoss,
                bestEpoch,
                List.copyOf(history),
                Checkpoint.RNG_SCHEME,
                net.parameterCount(),
                Checkpoint.now(),
                options.fencingToken() > 0 ? options.fencingToken() : null);
        Checkpoint.write(file, header, model, withOptimizer ? optimizer.state() : null);
    }
}
