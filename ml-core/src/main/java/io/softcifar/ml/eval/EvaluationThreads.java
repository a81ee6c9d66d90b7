package io.softcifar.ml.eval;

import io.softcifar.ml.train.EngineSetup;
import java.util.function.IntSupplier;

/**
 * The intra-op threads of an evaluation whose share of the machine changes while it runs: with a budget installed
 * (the evaluator-service does so when it shares the machine with a trainer: {@code EvaluationService.shareCores}), every
 * inference or FGSM batch first asks the budget how many threads it may use now and sets the calling thread's
 * PyTorch count when that changed; {@link #end} says which counts were used, for the evaluation's provenance. Without a
 * budget nothing changes: the process's count ({@link EngineSetup#threads}) serves every batch.
 *
 * <p>The count is per calling thread (PyTorch's CPU parallelism is OpenMP), and an evaluation runs on one thread, so
 * the tracking is per thread too. A different count can move results in the last float digits (a reduction split
 * differently), never more; that is why the provenance records the range.
 */
public final class EvaluationThreads {

    /** The counts used by one evaluation: {@code min == max} when it did not change. */
    public record Used(int min, int max) {
        public boolean varied() {
            return min != max;
        }
    }

    private static volatile IntSupplier budget;

    private static final ThreadLocal<Tracker> TRACKER = new ThreadLocal<>();

    private EvaluationThreads() {}

    /** Every later batch of every evaluation in this process asks {@code threadsNow} first; null removes it. */
    public static void install(IntSupplier threadsNow) {
        budget = threadsNow;
    }

    /** Starts an evaluation on the calling thread at {@code threads} (its count now). */
    public static void begin(int threads) {
        TRACKER.set(new Tracker(threads));
    }

    /**
     * Ends the calling thread's evaluation: the counts its batches used, and the thread back at {@code restore}
     * threads if a budget changed them. Without {@link #begin} (or without a batch), {@code restore} only.
     */
    public static Used end(int restore) {
        Tracker t = TRACKER.get();
        TRACKER.remove();
        if (t == null) {
            return new Used(restore, restore);
        }
        if (t.current != restore) {
            EngineSetup.useThreads(restore);
        }
        return t.min == Integer.MAX_VALUE ? new Used(t.current, t.current) : new Used(t.min, t.max);
    }

    /** Called before each batch: applies the budget's count now, and records it. */
    static void beforeBatch() {
        IntSupplier b = budget;
        Tracker t = TRACKER.get();
        if (t == null) {
            return;
        }
        if (b != null) {
            int threads = Math.max(1, b.getAsInt());
            if (threads != t.current) {
                EngineSetup.useThreads(threads);
                t.current = threads;
            }
        }
        t.min = Math.min(t.min, t.current);
        t.max = Math.max(t.max, t.current);
    }

    private static final class Tracker {
        int current;
        int min = Integer.MAX_VALUE;
        int max;

        Tracker(int current) {
            this.current = current;
        }
    }
}
