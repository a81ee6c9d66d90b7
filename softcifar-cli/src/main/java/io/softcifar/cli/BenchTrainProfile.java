package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.NesterovSgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench train --profile}: one more run per cell on each side with libtorch's operator profiler on (not timed:
 * the profiler slows the step), written as Chrome traces into the folder and summed per operator side by side.
 */
final class BenchTrainProfile {

    /** The most operators listed per cell. */
    private static final int OPERATORS = 15;

    private BenchTrainProfile() {}

    /**
     * One entry per (method, batch) cell: method, batch, steps, softcifarTrace, pytorchTrace (null with {@code
     * noPeer}) and operators (name → [ours, peer's] inclusive ms a step).
     */
    static List<Map<String, Object>> profile(
            BenchTrainSides sides,
            Path profileDir,
            List<Method> selected,
            List<Integer> batches,
            int steps,
            boolean noPeer,
            int threads,
            String preload)
            throws IOException {
        int profiled = Math.min(steps, 5);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Method m : selected) {
            for (int batch : batches) {
                Path oursTrace = profileDir.resolve("softcifar-" + m.id() + "-" + batch + ".json");
                Path peerTrace = profileDir.resolve("pytorch-" + m.id() + "-" + batch + ".json");
                BenchTrainCommand.progress("%s batch %d: profiling %d steps on each side", m.id(), batch, profiled);
                sides.ours(m, batch, profiled, false, NesterovSgd.Kernel.FUSED, oursTrace);
                Map<String, Double> peerOps = Map.of();
                if (!noPeer) {
                    Map<String, Object> p = sides.peer(m, batch, threads, preload, profiled, peerTrace);
                    if (p.containsKey("error")) {
                        throw new IllegalStateException("--profile: the peer failed: " + p.get("error"));
                    }
                    peerOps = ChromeTraces.millisecondsPerStep(peerTrace, profiled);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("method", m.id());
                entry.put("batch", batch);
                entry.put("steps", profiled);
                entry.put("softcifarTrace", oursTrace.toString());
                entry.put("pytorchTrace", noPeer ? null : peerTrace.toString());
                entry.put(
                        "operators",
                        ChromeTraces.sideBySide(
                                ChromeTraces.millisecondsPerStep(oursTrace, profiled), peerOps, OPERATORS));
                out.add(entry);
            }
        }
        return out;
    }
}
