package io.softcifar.cli;

import io.softcifar.cli.BenchTrainRounds.Cell;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bench train}'s text output (without {@code --json}): the header, one row per cell, then the profiles. */
final class BenchTrainReport {

    private BenchTrainReport() {}

    static void print(
            int threads,
            String allocator,
            int rounds,
            boolean bf16,
            List<Cell> cells,
            List<Map<String, Object>> profiles) {
        System.out.printf(
                Locale.ROOT,
                "%s; %d threads; allocator %s; %d rounds, alternating; images/s median [min-max]%n",
                BenchMachine.describe(),
                threads,
                allocator,
                rounds);
        if (bf16) {
            System.out.println("bf16: "
                    + BenchMachine.bf16Note()
                    + "; ours: a bf16 backbone on fp32 weights, heads and loss fp32; the peer: bf16 autocast");
        }
        System.out.printf(
                Locale.ROOT, "%-8s %5s  %-26s %-26s %s%n", "method", "batch", "soft-cifar", "PyTorch eager", "ratio");
        for (Cell c : cells) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %5d  %-26s %-26s %s%n",
                    c.method(),
                    c.batch(),
                    BenchTrainCommand.format(c.softcifar()),
                    c.pytorch() == null ? c.peerError() : BenchTrainCommand.format(c.pytorch()),
                    c.ratio_vs_pytorch() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.ratio_vs_pytorch()));
            if (c.softcifarWithAugmentation() != null) {
                detail("with on-device augmentation: ", BenchTrainCommand.format(c.softcifarWithAugmentation()));
            }
            if (c.softcifarPerTensorSgd() != null) {
                detail(
                        "with the per-tensor (unfused) optimizer update: ",
                        BenchTrainCommand.format(c.softcifarPerTensorSgd()));
            }
            if (c.softcifarMillisecondsPerStep() != null) {
                detail("ms a step, ours:  ", c.softcifarMillisecondsPerStep());
            }
            if (c.pytorchMillisecondsPerStep() != null) {
                detail("ms a step, peer's: ", c.pytorchMillisecondsPerStep());
            }
        }
        cells.stream()
                .map(Cell::peerBlas)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .ifPresent(
                        blas -> System.out.println(
                                "the peer's BLAS: " + blas
                                        + " (a reference BLAS slows its SNGP and DUQ matrix products ~10x: install libopenblas0-pthread)"));
        for (Map<String, Object> p : profiles) {
            System.out.printf(
                    Locale.ROOT,
                    "%nprofile %s batch %s (inclusive ms a step; traces %s, %s)%n",
                    p.get("method"),
                    p.get("batch"),
                    p.get("softcifarTrace"),
                    p.get("pytorchTrace"));
            System.out.printf(Locale.ROOT, "  %-60s %10s %10s%n", "operator", "soft-cifar", "PyTorch");
            @SuppressWarnings("unchecked")
            Map<String, List<Double>> ops = (Map<String, List<Double>>) p.get("operators");
            ops.forEach(
                    (name, v) -> System.out.printf(Locale.ROOT, "  %-60s %10.2f %10.2f%n", name, v.get(0), v.get(1)));
        }
    }

    /** A line under a cell's row, indented past its method and batch columns. */
    private static void detail(String label, Object value) {
        System.out.printf(Locale.ROOT, "%-8s %5s  %s%s%n", "", "", label, value);
    }
}
