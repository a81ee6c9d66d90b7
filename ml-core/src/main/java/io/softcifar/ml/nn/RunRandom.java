package io.softcifar.ml.nn;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The random draws of one training run, kept apart from the other runs training in the same process.
 *
 * <p>PyTorch's generators are process-wide, and DJL exposes neither a generator per run nor a generator's state.
 * So every PyTorch random draw of the model and training code goes through {@link #draw}: it holds one process-wide
 * lock while it draws, and on a thread where a run has {@linkplain #open opened} its stream it first re-seeds the
 * generators from that stream. A run's draws then depend only on its own seed, whatever other runs draw in between
 * ({@code ConcurrentRunsTest}). The first draw after {@link #open} uses the opening seed itself, so a run that opens
 * with the seed it used to set directly draws its first tensor (initial weights, an epoch's shuffle) exactly as
 * before; later draws (augmentation, dropout masks) come from seeds derived from it.
 *
 * <p>Where no stream is open (evaluation, benchmarks, tests of single modules) a draw only takes the lock and uses the
 * generators as they are.
 */
public final class RunRandom implements AutoCloseable {

    /** Guards PyTorch's process-wide generators: a re-seed and the draw it is for happen together. */
    private static final Object GENERATORS = new Object();

    private static final ThreadLocal<RunRandom> CURRENT = new ThreadLocal<>();

    private final LongConsumer seeder;
    private final RunRandom previous;
    private long next;

    private RunRandom(long seed, LongConsumer seeder, RunRandom previous) {
        this.next = seed;
        this.seeder = seeder;
        this.previous = previous;
    }

    /**
     * Opens a stream on this thread until {@link #close}: draws re-seed the generators through {@code seeder} with
     * {@code seed} first, then with values derived from it.
     */
    public static RunRandom open(long seed, LongConsumer seeder) {
        RunRandom stream = new RunRandom(seed, seeder, CURRENT.get());
        CURRENT.set(stream);
        return stream;
    }

    /** Makes {@code draw}, which uses PyTorch's generators, with the generators to itself (see the class comment). */
    public static <T> T draw(Supplier<T> draw) {
        RunRandom stream = CURRENT.get();
        synchronized (GENERATORS) {
            if (stream != null) {
                stream.seeder.accept(stream.next);
                stream.next = successor(stream.next);
            }
            return draw.get();
        }
    }

    @Override
    public void close() {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** SplitMix64's step: a well-mixed 64-bit value from the previous one. */
    static long successor(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
