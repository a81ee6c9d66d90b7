package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.train.NesterovSgd;
import io.softcifar.ml.train.TrainingBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two sides {@code bench train} compares: one measurement of the project's own training step, and one run of the
 * PyTorch eager peer (bench/pytorch_resnet20_train.py) with the same method, batch, warm-up, steps and precision.
 *
 * @param warmup untimed steps before the timed ones, on both sides
 * @param steps timed steps of a measurement
 * @param device our side's device ({@code --device}; the peer script has no device option)
 * @param precision the bench's precision (ours: the bf16 backbone, {@link Precision}; the peer: bf16 autocast)
 * @param peerOptions which python runs the peer
 */
record BenchTrainSides(int warmup, int steps, String device, Precision precision, PeerOptions peerOptions) {

    static final String PEER_SCRIPT = "pytorch_resnet20_train.py";

    /** One measurement of our step with the command's warm-up and device. */
    TrainingBenchmark.Result ours(
            Method m, int batch, int timedSteps, boolean withAugmentation, NesterovSgd.Kernel kernel, Path trace) {
        return TrainingBenchmark.run(new TrainingBenchmark.Settings(
                m, batch, warmup, timedSteps, withAugmentation, device, kernel, trace, precision));
    }

    /**
     * Runs the peer script once with the same method, batch, steps and thread count as ours ({@code threads} 0: let
     * it choose), and the same allocator ({@code preload}, this JVM's LD_PRELOAD).
     */
    Map<String, Object> peer(Method m, int batch, int threads, String preload) {
        return peer(m, batch, threads, preload, steps, null);
    }

    /** As above with {@code timedSteps} steps, and torch.profiler's trace written to {@code trace} unless null. */
    Map<String, Object> peer(Method m, int batch, int threads, String preload, int timedSteps, Path trace) {
        List<String> args = new ArrayList<>(List.of(
                "--method",
                m.id(),
                "--precision",
                precision.id(),
                "--batch",
                Integer.toString(batch),
                "--warmup",
                Integer.toString(warmup),
                "--steps",
                Integer.toString(timedSteps)));
        if (trace != null) {
            args.addAll(List.of("--profile", trace.toAbsolutePath().toString()));
        }
        return PeerScript.run(peerOptions.python(), PEER_SCRIPT, args, threads, preload);
    }
}
