package io.softcifar.trainer.service;

import io.softcifar.contracts.events.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runs of this process: the ones training now (at most one per run id — a second request for a running run is
 * ignored) and the last {@value #KEEP_ENDED} that ended, for {@code GET /api/runs}. Also where a cancel request finds
 * the flag of its run.
 */
public final class RunRegistry {

    static final int KEEP_ENDED = 200;

    private final Map<String, RunHandle> runs = new LinkedHashMap<>();

    /** Registers a run that starts here; empty if the run is already active in this process. */
    public synchronized Optional<RunHandle> begin(String runId, String datasetId, int epochs) {
        RunHandle existing = runs.get(runId);
        if (existing != null && !existing.status().isTerminal()) {
            return Optional.empty();
        }
        runs.remove(runId);
        RunHandle handle = new RunHandle(runId, datasetId, epochs, this::active);
        runs.put(runId, handle);
        trim();
        handle.sampleMemory();
        return Optional.of(handle);
    }

    /** Sets the cancel flag of a run active here; false if it is not (another replica has it, or it ended). */
    public synchronized boolean cancel(String runId, String reason) {
        RunHandle handle = runs.get(runId);
        if (handle == null || handle.status().isTerminal()) {
            return false;
        }
        handle.requestCancel(reason);
        return true;
    }

    public synchronized Optional<RunHandle> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** Newest first. */
    public synchronized List<RunHandle> list() {
        List<RunHandle> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparing(RunHandle::startedAt).reversed());
        return all;
    }

    public synchronized int active() {
        return (int)
                runs.values().stream().filter(h -> !h.status().isTerminal()).count();
    }

    private void trim() {
        long ended = runs.values().stream().filter(h -> h.status().isTerminal()).count();
        for (Iterator<RunHandle> it = runs.values().iterator(); it.hasNext() && ended > KEEP_ENDED; ) {
            if (it.next().status().isTerminal()) {
                it.remove();
                ended--;
            }
        }
    }

    /**
     * The process is shutting down (SIGTERM): every run still training stops after its current step, keeps its
     * checkpoints in the bucket and gives up its lease, without an outcome; its request is read again (here after a
     * restart, or by another replica), which resumes it.
     *
     * @return how many runs were asked to stop
     */
    public synchronized int suspendAll() {
        int n = 0;
        for (RunHandle handle : runs.values()) {
            if (!handle.status().isTerminal()) {
                handle.suspended.set(true);
                n++;
            }
        }
        return n;
    }

    /**
     * The resident memory of the trainer process while a run was here: when it began, and the highest sample since,
     * with the number of runs this process had (loading or training) at that sample. With one run at a time, peak −
     * at start is what the run added (model, optimizer state, activations, its shards unless another run had loaded
     * them); with K at once, the peak holds all K.
     */
    public record Memory(long residentBytesAtStart, long residentBytesPeak, int runsAtPeak) {}

    /** One run of this process. Status and epoch are written by its training thread, read by anyone. */
    public static final class RunHandle {
        private final String runId;
        private final String datasetId;
        private final int epochs;
        private final Instant startedAt = Instant.now();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean suspended = new AtomicBoolean();
        private final AtomicBoolean fenced = new AtomicBoolean();
        private volatile String cancelReason;
        private volatile RunStatus status = RunStatus.REQUESTED;
        private volatile int epoch;
        private volatile double imagesPerSecond;
        private volatile Instant updatedAt = startedAt;
        private volatile Instant firstStepAt;
        private volatile String detail;
        private volatile long fencingToken;
        private final java.util.function.IntSupplier runsHere;
        private volatile Memory memory;

        RunHandle(String runId, String datasetId, int epochs, java.util.function.IntSupplier runsHere) {
            this.runId = runId;
            this.datasetId = datasetId;
            this.epochs = epochs;
            this.runsHere = runsHere;
        }

        /** Samples the process's resident memory into {@link #memory()} (nothing where it cannot be read). */
        void sampleMemory() {
            long now = io.softcifar.ml.train.ProcessMemory.residentBytes();
            if (now < 0) {
                return;
            }
            int runs = runsHere.getAsInt(); // the registry's lock, never taken while holding this handle's
            synchronized (this) {
                Memory m = memory;
                if (m == null) {
                    memory = new Memory(now, now, runs);
                } else if (now > m.residentBytesPeak()) {
                    memory = new Memory(m.residentBytesAtStart(), now, runs);
                }
            }
        }

        /** The process's resident memory at this run's start and at its peak since; null where it is not known. */
        public Memory memory() {
            return memory;
        }

        void requestCancel(String reason) {
            cancelReason = reason;
            cancelled.set(true);
        }

        /** Polled by the training loop after every step. */
        public boolean isCancelled() {
            return cancelled.get();
        }

        /** True once {@link RunRegistry#suspendAll} asked this run to stop for a shutdown. */
        public boolean isSuspended() {
            return suspended.get();
        }

        /** Another replica took the run's lease over ({@link RunLeases.Held#lost}): stop without an outcome. */
        void fence() {
            fenced.set(true);
        }

        public boolean isFenced() {
            return fenced.get();
        }

        /** The training loop's stop signal: a cancel, a shutdown or a lost lease. */
        public boolean shouldStop() {
            return cancelled.get() || suspended.get() || fenced.get();
        }

        public void update(RunStatus newStatus, int epochsCompleted, String newDetail) {
            status = newStatus;
            epoch = epochsCompleted;
            detail = newDetail;
            updatedAt = Instant.now();
        }

        void fencingToken(long token) {
            fencingToken = token;
        }

        /** The token of the lease this run was last trained under here (0 before it got one). */
        public long fencingToken() {
            return fencingToken;
        }

        /** Notes the first training step in this process; true the first time only. */
        boolean stepped() {
            if (firstStepAt != null) {
                return false;
            }
            firstStepAt = Instant.now();
            return true;
        }

        /** When its first training step in this process ended; null before. */
        public Instant firstStepAt() {
            return firstStepAt;
        }

        void throughput(double value) {
            imagesPerSecond = value;
        }

        public String runId() {
            return runId;
        }

        public String datasetId() {
            return datasetId;
        }

        public int epochs() {
            return epochs;
        }

        public Instant startedAt() {
            return startedAt;
        }

        public Instant updatedAt() {
            return updatedAt;
        }

        public RunStatus status() {
            return status;
        }

        public int epoch() {
            return epoch;
        }

        public double imagesPerSecond() {
            return imagesPerSecond;
        }

        public String detail() {
            return detail;
        }

        public String cancelReason() {
            return cancelReason;
        }
    }
}
