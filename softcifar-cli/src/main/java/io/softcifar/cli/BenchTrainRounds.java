package io.softcifar.cli;

import io.softcifar.cli.BenchTrainCommand.Figures;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.NesterovSgd;
import io.softcifar.ml.train.TrainingBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code bench train}'s comparison: each (method, batch) cell measured {@code rounds} times, alternating our step and
 * the peer's, so that both sides see the same machine state; the median and the spread of each side.
 *
 * @param rounds measurements per cell on each side
 * @param augment also time our step with the on-device augmentation
 * @param referenceSgd also time our step with the per-tensor optimizer update
 * @param preload this JVM's LD_PRELOAD, passed on to the peer
 */
record BenchTrainRounds(BenchTrainSides sides, int rounds, boolean augment, boolean referenceSgd, String preload) {

    /** One (method, batch) cell. */
    record Cell(
            String method,
            int batch,
            String precision,
            Figures softcifar,
            Figures pytorch,
            Double ratio_vs_pytorch,
            String peerError,
            String peerBlas,
            Figures softcifarWithAugmentation,
            Figures softcifarPerTensorSgd,
            Map<String, Double> softcifarMillisecondsPerStep,
            Map<String, Double> pytorchMillisecondsPerStep) {}

    /** A measured cell, and the threads our side's last measurement in it used. */
    record Measured(Cell cell, int threads) {}

    /** Measures one cell: ours and the peer's in turn, {@code rounds} times, both at the bench's precision. */
    Measured measure(Method m, int batch) {
        String precision = sides.precision().id();
        int steps = sides.steps();
        int threads = 0;
        List<Double> own = new ArrayList<>();
        List<Double> peer = new ArrayList<>();
        List<Double> augmented = new ArrayList<>();
        List<Double> perTensor = new ArrayList<>();
        List<Map<String, Double>> ownPhases = new ArrayList<>();
        List<Map<String, Double>> peerPhases = new ArrayList<>();
        String peerError = sides.peerOptions().initialError();
        String peerBlas = null;
        for (int r = 0; r < rounds; r++) {
            TrainingBenchmark.Result result = sides.ours(m, batch, steps, false, NesterovSgd.Kernel.FUSED, null);
            threads = result.threads();
            own.add(result.imagesPerSecond());
            ownPhases.add(result.millisecondsPerStep());
            if (augment) {
                augmented.add(sides.ours(m, batch, steps, true, NesterovSgd.Kernel.FUSED, null)
                        .imagesPerSecond());
            }
            if (referenceSgd) {
                perTensor.add(sides.ours(m, batch, steps, false, NesterovSgd.Kernel.PER_TENSOR, null)
                        .imagesPerSecond());
            }
            if (peerError == null) {
                Map<String, Object> p = sides.peer(m, batch, threads, preload);
                if (p.get("images_per_second") instanceof Number n) {
                    peer.add(n.doubleValue());
                    peerBlas = String.valueOf(p.get("blas"));
                    if (p.get("milliseconds_per_step") instanceof Map<?, ?> phases) {
                        Map<String, Double> ms = new LinkedHashMap<>();
                        phases.forEach((k, v) -> ms.put(String.valueOf(k), ((Number) v).doubleValue()));
                        peerPhases.add(ms);
                    }
                } else {
                    peerError = String.valueOf(p.get("error"));
                }
            }
            BenchTrainCommand.progress(
                    "%s batch %d round %d/%d: ours %s, peer %s",
                    m.id(),
                    batch,
                    r + 1,
                    rounds,
                    own.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", own.get(own.size() - 1)),
                    peer.size() == r + 1 ? String.format(Locale.ROOT, "%.1f", peer.get(r)) : "-");
        }
        Figures ours = Figures.of(own);
        Figures theirs = Figures.of(peer);
        Double ratio = ours != null && theirs != null ? ours.imagesPerSecond() / theirs.imagesPerSecond() : null;
        Cell cell = new Cell(
                m.id(),
                batch,
                precision,
                ours,
                theirs,
                ratio,
                peerError,
                peerBlas,
                Figures.of(augmented),
                Figures.of(perTensor),
                medianPhases(ownPhases),
                medianPhases(peerPhases));
        return new Measured(cell, threads);
    }

    /** Per phase, the median over the rounds of the milliseconds a step spent in it (null without rounds). */
    static Map<String, Double> medianPhases(List<Map<String, Double>> rounds) {
        if (rounds.isEmpty()) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String phase : rounds.get(0).keySet()) {
            List<Double> values = rounds.stream()
                    .map(r -> r.get(phase))
                    .filter(Objects::nonNull)
                    .toList();
            out.put(phase, Math.round(Figures.median(values) * 1000) / 1000.0);
        }
        return out;
    }
}
