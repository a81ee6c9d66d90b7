package io.softcifar.cli;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.train.ConcurrentTrainingBenchmark;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.ml.train.NesterovSgd;
import io.softcifar.ml.train.TrainingBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench train --concurrent K,...}: K runs training at once in this process (as a trainer with K slots on one
 * device), each with max(1, threads ÷ K) intra-op threads; aggregate and per-run images/s, how far the runs overlapped
 * in time, and resident memory per run. The K values are measured in turn within each round.
 */
final class BenchConcurrentRuns {

    /**
     * One (method, batch, K) cell.
     *
     * @param imagesPerSecond aggregate: every run's images over the wall time, median and spread over the rounds
     * @param perRunImagesPerSecond the median over rounds and runs of one run's own images/s
     * @param overlap the smallest over the rounds of the share of the wall time when all K runs were timing steps
     * @param aggregateVsOneRun the aggregate's median ÷ that of K = 1 (null when K = 1 was not measured)
     */
    record Cell(
            String method,
            int batch,
            int k,
            int threadsPerRun,
            BenchTrainCommand.Figures imagesPerSecond,
            double perRunImagesPerSecond,
            double overlap,
            double residentMibPerRun,
            Double aggregateVsOneRun) {}

    private BenchConcurrentRuns() {}

    static List<Cell> measure(
            List<Method> methods,
            List<Integer> batches,
            List<Integer> ks,
            int rounds,
            int warmup,
            int steps,
            String device) {
        List<Cell> cells = new ArrayList<>();
        for (Method m : methods) {
            for (int batch : batches) {
                TrainingBenchmark.Settings settings = new TrainingBenchmark.Settings(
                        m, batch, warmup, steps, false, device, NesterovSgd.Kernel.FUSED, null, Precision.FP32);
                Map<Integer, List<Double>> aggregate = new LinkedHashMap<>();
                Map<Integer, List<Double>> perRun = new LinkedHashMap<>();
                Map<Integer, Double> overlap = new LinkedHashMap<>();
                Map<Integer, Long> memory = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (int k : ks) {
                        ConcurrentTrainingBenchmark.Result result =
                                ConcurrentTrainingBenchmark.run(settings, k, EngineSetup.threadsPerRun(k));
                        aggregate.computeIfAbsent(k, x -> new ArrayList<>()).add(result.imagesPerSecond());
                        result.runs()
                                .forEach(run -> perRun.computeIfAbsent(k, x -> new ArrayList<>())
                                        .add(run.imagesPerSecond()));
                        overlap.merge(k, result.overlap(), Math::min);
                        memory.merge(k, result.residentKibPerRun(), Math::max);
                        System.err.printf(
                                Locale.ROOT,
                                "%s batch %d K=%d round %d/%d: %.1f images/s in all, overlap %.2f%n",
                                m.id(),
                                batch,
                                k,
                                r + 1,
                                rounds,
                                result.imagesPerSecond(),
                                result.overlap());
                    }
                }
                Double one = aggregate.containsKey(1) ? BenchTrainCommand.Figures.median(aggregate.get(1)) : null;
                for (int k : ks) {
                    BenchTrainCommand.Figures figures = BenchTrainCommand.Figures.of(aggregate.get(k));
                    cells.add(new Cell(
                            m.id(),
                            batch,
                            k,
                            EngineSetup.threadsPerRun(k),
                            figures,
                            BenchTrainCommand.Figures.median(perRun.get(k)),
                            overlap.get(k),
                            memory.get(k) < 0 ? -1 : Math.round(memory.get(k) / 102.4) / 10.0,
                            one == null ? null : Math.round(figures.imagesPerSecond() / one * 1000) / 1000.0));
                }
            }
        }
        return cells;
    }

    static void print(List<Cell> cells) {
        System.out.printf(
                Locale.ROOT,
                "%-8s %5s %3s %7s  %-26s %12s %8s %12s %s%n",
                "method",
                "batch",
                "K",
                "threads",
                "aggregate images/s",
                "per run",
                "overlap",
                "MiB per run",
                "vs K=1");
        for (Cell c : cells) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %5d %3d %7d  %-26s %12.1f %8.2f %12s %s%n",
                    c.method(),
                    c.batch(),
                    c.k(),
                    c.threadsPerRun(),
                    BenchTrainCommand.format(c.imagesPerSecond()),
                    c.perRunImagesPerSecond(),
                    c.overlap(),
                    c.residentMibPerRun() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", c.residentMibPerRun()),
                    c.aggregateVsOneRun() == null ? "-" : String.format(Locale.ROOT, "%.3f", c.aggregateVsOneRun()));
        }
    }
}
