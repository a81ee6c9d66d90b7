package io.softcifar.trainer.service;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Which replica trains a run: a lease object {@code runs/{runId}/lease.json} that its holder renews every third of
 * the time-to-live. It guards against the one duplicate that Kafka's partition ownership does not: a rebalance that
 * moves a partition while its run trains, so the new owner receives the uncommitted request again. The new owner
 * waits while the lease is fresh, and takes over (resuming from the last checkpoint) only when it has gone stale —
 * the holder died — or returns when the run's outcome record appears.
 *
 * <p>S3 offers no compare-and-set here, so taking a lease is write, pause, read back: of two replicas that race for
 * a free lease, the one whose write came last wins and the other backs off. This narrows the window to writes that
 * land within the pause of each other; it does not close it (see the README).
 */
public final class RunLeases {

    private static final Logger LOG = Logger.getLogger(RunLeases.class);

    /** The stored lease. */
    public record Lease(String runId, String owner, Instant renewedAt) {}

    private final ObjectStore store;
    private final String owner;
    private final Duration ttl;
    private final ScheduledExecutorService timer;

    public RunLeases(ObjectStore store, Duration ttl) {
        this.store = store;
        this.owner = "trainer-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.ttl = ttl;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-lease-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    public static String key(String runId) {
        return io.softcifar.contracts.storage.ObjectKeys.runPrefix(runId) + "lease.json";
    }

    public String owner() {
        return owner;
    }

    /**
     * Blocks until this process holds the run's lease (true) or {@code ended} turns true while another holder
     * trains it (false).
     */
    public boolean acquire(String runId, BooleanSupplier ended) throws InterruptedException {
        long pause = Math.max(50, Math.min(1000, ttl.toMillis() / 10));
        boolean logged = false;
        while (true) {
            Optional<Lease> current = read(runId);
            if (current.isPresent() && !current.get().owner().equals(owner) && !stale(current.get())) {
                // a live holder: it publishes the outcome and only then deletes its lease
                if (!logged) {
                    LOG.infof("run %s: training on %s (lease renewed %s); waiting until it ends or its lease expires",
                            runId, current.get().owner(), current.get().renewedAt());
                    logged = true;
                }
                Thread.sleep(Math.max(pause, ttl.toMillis() / 4));
                continue;
            }
            if (ended.getAsBoolean()) {
                return false;
            }
            if (current.isPresent() && !current.get().owner().equals(owner)) {
                LOG.infof("run %s: lease of %s is stale (renewed %s); taking the run over", runId,
                        current.get().owner(), current.get().renewedAt());
            }
            write(runId);
            Thread.sleep(pause);
            Optional<Lease> after = read(runId);
            if (after.isPresent() && after.get().owner().equals(owner)) {
                return true;
            }
            // another replica wrote after us: it has the run
        }
    }

    /** Whether another process holds a fresh lease on the run (it is alive and will publish the outcome itself). */
    public boolean heldElsewhere(String runId) {
        return read(runId).filter(l -> !l.owner().equals(owner) && !stale(l)).isPresent();
    }

    /** Renews the lease until {@link Held#release} is called. */
    public Held hold(String runId) {
        long period = Math.max(100, ttl.toMillis() / 3);
        ScheduledFuture<?> renewal = timer.scheduleAtFixedRate(() -> {
            try {
                write(runId);
            } catch (RuntimeException e) {
                LOG.warnf("run %s: could not renew its lease: %s", runId, e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return new Held(runId, renewal);
    }

    /** A lease being renewed. */
    public final class Held {
        private final String runId;
        private final ScheduledFuture<?> renewal;

        Held(String runId, ScheduledFuture<?> renewal) {
            this.runId = runId;
            this.renewal = renewal;
        }

        /** Stops renewing; deletes the lease when the run has ended (a crashed run's lease just expires). */
        public void release(boolean delete) {
            renewal.cancel(false);
            if (delete) {
                try {
                    store.delete(key(runId));
                } catch (RuntimeException e) {
                    LOG.warnf("run %s: could not delete its lease (it expires by itself): %s", runId, e.getMessage());
                }
            }
        }
    }

    private boolean stale(Lease lease) {
        return lease.renewedAt().plus(ttl).isBefore(Instant.now());
    }

    private Optional<Lease> read(String runId) {
        String key = key(runId);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventCodec.fromJson(new String(store.getBytes(key), StandardCharsets.UTF_8),
                    Lease.class));
        } catch (io.softcifar.storage.NoSuchObjectException e) {
            return Optional.empty(); // deleted between the two calls
        }
    }

    private void write(String runId) {
        store.putJson(key(runId), EventCodec.toJson(new Lease(runId, owner, Instant.now())));
    }
}
