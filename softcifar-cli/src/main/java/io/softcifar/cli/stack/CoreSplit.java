package io.softcifar.cli.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the local stack shares this machine's cores between the two services that compute: the trainer's PyTorch
 * intra-op threads (divided among its slots, the runs it trains at once) and the evaluator's. Without a split each
 * would take every core, and when an evaluation runs beside a training run two OpenMP teams fight over the same
 * cores: both slow down far more than the share they lose (docs/benchmarks.md "Pipeline").
 *
 * @param cores            the processors this JVM sees
 * @param trainerThreads   the trainer's intra-op threads, shared by its slots (each slot: max(1, threads ÷ slots))
 * @param trainerSlots     runs the trainer trains at once
 * @param evaluatorThreads the evaluator's intra-op threads
 */
record CoreSplit(int cores, int trainerThreads, int trainerSlots, int evaluatorThreads) {

    /** service-common's {@code CoreLedger.PROPERTY} (the CLI does not depend on service-common). */
    static final String CORE_LEDGER = "softcifar.cores.ledger";

    CoreSplit {
        requirePositive("--trainer-threads", trainerThreads);
        requirePositive("--trainer-slots", trainerSlots);
        requirePositive("--evaluator-threads", evaluatorThreads);
    }

    /**
     * The default: the trainer takes every core, in slots (runs at once) of 1 thread on up to 2 cores and of 2
     * threads above (cores ÷ 2 slots, at least 1), and the evaluator a quarter of the cores, at least 1. An evaluation beside training
     * then oversubscribes the cores by a quarter, on purpose: on the 2-core VM of docs/benchmarks.md ("Pipeline")
     * this split finished a study in 209 s, a strict one-thread-each split in 244 s, and every service with every
     * core in 364 s — teams of one thread share cores gracefully, while a run's 2-thread OpenMP team stalls whenever
     * one of its threads loses its core.
     */
    static CoreSplit auto(int cores) {
        int threadsPerRun = cores <= 2 ? 1 : 2;
        return new CoreSplit(cores, cores, Math.max(1, cores / threadsPerRun), Math.max(1, cores / 4));
    }

    /**
     * Every computing service gets every core, one run at a time: right when only one of them works at any moment
     * (the reference pass of {@code bench pipeline}: the runs back to back), oversubscribed otherwise.
     */
    static CoreSplit whole(int cores) {
        return new CoreSplit(cores, cores, 1, cores);
    }

    /** {@link #auto} with each value given (non-null) replacing the default. */
    static CoreSplit of(int cores, Integer trainerThreads, Integer trainerSlots, Integer evaluatorThreads) {
        CoreSplit auto = auto(cores);
        return new CoreSplit(
                cores,
                trainerThreads != null ? trainerThreads : auto.trainerThreads,
                trainerSlots != null ? trainerSlots : auto.trainerSlots,
                evaluatorThreads != null ? evaluatorThreads : auto.evaluatorThreads);
    }

    /**
     * The JVM arguments that carry the split to the services ({@code LocalStack.ServiceDef} name → arguments), and the
     * core ledger both use: the trainer's runs claim their threads in {@code ledger}, and an evaluation takes the cores
     * they leave idle, batch by batch, on top of its own threads ({@code CoreLedger} in service-common).
     */
    Map<String, List<String>> jvmArgs(Path ledger) {
        String shared = "-D" + CORE_LEDGER + "=" + ledger.toAbsolutePath();
        return Map.of(
                "trainer",
                List.of("-Dsoftcifar.threads=" + trainerThreads, "-Dsoftcifar.trainer.slots=" + trainerSlots, shared),
                "evaluator",
                List.of("-Dsoftcifar.threads=" + evaluatorThreads, shared));
    }

    /** One line for the start of {@code up}. */
    String describe() {
        int perRun = Math.max(1, trainerThreads / trainerSlots);
        String line = String.format(
                "Cores: %d; trainer %d thread%s (%d run%s at once, %d thread%s each), evaluator %d thread%s",
                cores,
                trainerThreads,
                plural(trainerThreads),
                trainerSlots,
                plural(trainerSlots),
                perRun,
                plural(perRun),
                evaluatorThreads,
                plural(evaluatorThreads));
        if (evaluatorThreads < cores) {
            line += " (up to " + cores + " while the trainer is idle)";
        }
        int used = Math.max(trainerThreads, trainerSlots) + evaluatorThreads;
        return used > cores ? line + "; " + used + " threads on " + cores + " cores when both work" : line;
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    private static void requirePositive(String option, int value) {
        if (value < 1 || value > 1024) {
            throw new IllegalArgumentException(option + " must be 1 to 1024, got " + value);
        }
    }
}
