package io.softcifar.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code k} runs of {@link TrainingBenchmark} at the same time in this process, each on a thread of its own with
 * {@code threadsPerRun} intra-op threads (PyTorch's thread count is per calling thread: each run's operators use
 * their own OpenMP team of that size). The runs wait for each other after their warm-up, so their timed steps start
 * together; the aggregate is every run's images over the wall time from the first start to the last end.
 */
public final class ConcurrentTrainingBenchmark {

    /** A run that has not reached its timed steps after this long fails the measurement instead of waiting. */
    private static final long WATCHDOG_MINUTES = 30;

    private ConcurrentTrainingBenchmark() {}

    /**
     * What {@code k} concurrent runs gave.
     *
     * @param runs each run's own measurement (its images/s over its own timed steps)
     * @param imagesPerSecond all runs' timed images over the wall time from the first run's start to the last's end
     * @param overlap the share of that wall time during which every run was in its timed steps (1: fully overlapping,
     *     0: the runs took turns)
     * @param residentKibBefore the process's resident memory before the runs were set up
     * @param residentKibPerRun the growth of resident memory up to the moment all runs had warmed up, divided by
     *     {@code k} (-1 where /proc/self/status is not readable); clean only as a process's first measurement: later
     *     ones reuse memory the allocator kept from earlier ones and read low (docs/benchmarks.md)
     */
    public record Result(
            int k,
            int threadsPerRun,
            List<TrainingBenchmark.Result> runs,
            double imagesPerSecond,
            double overlap,
            long residentKibBefore,
            long residentKibPerRun) {}

    /** Runs {@code k} copies of {@code settings} at once; each run's thread uses {@code threadsPerRun} threads. */
    public static Result run(TrainingBenchmark.Settings settings, int k, int threadsPerRun) {
        if (k < 1 || threadsPerRun < 1) {
            throw new IllegalArgumentException("k and threadsPerRun must be >= 1, got " + k + ", " + threadsPerRun);
        }
        EngineSetup.engine();
        long before = residentKib();
        long[] atBarrier = {-1};
        CyclicBarrier barrier = new CyclicBarrier(k, () -> atBarrier[0] = residentKib());
        ExecutorService pool = Executors.newFixedThreadPool(k, r -> {
            Thread t = new Thread(r, "bench-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TrainingBenchmark.Timed>> futures = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                futures.add(pool.submit(() -> {
                    EngineSetup.useThreads(threadsPerRun);
                    return TrainingBenchmark.run(settings, () -> await(barrier));
                }));
            }
            List<TrainingBenchmark.Timed> timed = new ArrayList<>();
            for (Future<TrainingBenchmark.Timed> f : futures) {
                timed.add(f.get(WATCHDOG_MINUTES, TimeUnit.MINUTES));
            }
            return summarize(k, threadsPerRun, timed, before, atBarrier[0]);
        } catch (ExecutionException e) {
            barrier.reset();
            throw new IllegalStateException(
                    "a concurrent run failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a concurrent run did not finish in " + WATCHDOG_MINUTES + " min", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    static Result summarize(
            int k, int threadsPerRun, List<TrainingBenchmark.Timed> timed, long before, long atBarrier) {
        long firstStart = Long.MAX_VALUE;
        long lastStart = Long.MIN_VALUE;
        long firstEnd = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        double images = 0;
        List<TrainingBenchmark.Result> runs = new ArrayList<>();
        for (TrainingBenchmark.Timed t : timed) {
            firstStart = Math.min(firstStart, t.startNanos());
            lastStart = Math.max(lastStart, t.startNanos());
            firstEnd = Math.min(firstEnd, t.endNanos());
            lastEnd = Math.max(lastEnd, t.endNanos());
            images += (double) t.result().settings().steps()
                    * t.result().settings().batch();
            runs.add(t.result());
        }
        double wall = (lastEnd - firstStart) / 1e9;
        double overlap = Math.max(0, firstEnd - lastStart) / (double) (lastEnd - firstStart);
        long perRun = before < 0 || atBarrier < 0 ? -1 : Math.max(0, atBarrier - before) / k;
        return new Result(k, threadsPerRun, runs, images / wall, overlap, before, perRun);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(WATCHDOG_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other runs", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("another concurrent run failed or did not warm up in time", e);
        }
    }

    /** VmRSS of this process in KiB, or -1 where /proc/self/status is not readable. */
    static long residentKib() {
        long bytes = ProcessMemory.residentBytes();
        return bytes < 0 ? -1 : bytes / 1024;
    }
}
