package io.softcifar.trainer.service;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.service.lifecycle.DaemonThreads;
import io.softcifar.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Which replica trains a run: a lease object {@code runs/{runId}/lease.json} that its holder renews every third of
 * the time-to-live. It guards against the one duplicate that Kafka's partition ownership does not: a rebalance that
 * moves a partition while its run trains, so the new owner receives the uncommitted request again. The new owner
 * waits while the lease is fresh, and takes over (resuming from the last checkpoint) only when it has gone stale —
 * the holder died — or returns when the run's outcome record appears.
 *
 * <p><b>Fencing tokens.</b> Every lease carries a token: a new lease of a run gets the previous lease's token + 1, a
 * renewal keeps it. A lease that ends is not deleted but marked released, so the next lease of the run (a retry)
 * still counts on from it. The holder stamps the token into every event it publishes and every checkpoint it writes;
 * the readers (evaluator, results-service) ignore events with an older token than the newest they have seen. Each
 * renewal first reads the lease: if it now names another owner or token (this process was paused or cut off longer
 * than the TTL and another replica took the run over), the holder is {@linkplain Held#lost() fenced out} and must stop
 * without publishing an outcome or writing a checkpoint.
 *
 * <p>S3 offers no compare-and-set here, so taking a lease is write, pause, read back: of two replicas that race for
 * a free lease, the one whose write came last wins and the other backs off. This narrows the window to writes that
 * land within the pause of each other; it does not close it (see the README).
 *
 * <p><b>Token markers.</b> For the same reason a renewal is read, then write: a holder paused between the two (GC,
 * SIGSTOP) wakes up and writes its old lease over the one of the replica that took the run over meanwhile. So that
 * such a write cannot give the run back to it, whoever takes token N first writes a marker object of its own,
 * {@code runs/{runId}/lease-tokens/N}, that nobody overwrites: a holder is fenced out as soon as the marker of its
 * token + 1 exists, whatever {@code lease.json} says; the holder of N, finding its lease overwritten with a lower
 * token, writes it back at its next renewal; and the next token is counted past every marker, so a token is never
 * given twice.
 */
public final class RunLeases {

    private static final Logger LOG = Logger.getLogger(RunLeases.class);

    /**
     * The stored lease.
     *
     * @param fencingToken the lease's token; null in leases written before fencing (counts as 0)
     * @param releasedAt   set when the holder ended or gave up the run: nobody holds it, but the token stays
     */
    public record Lease(
            String runId,
            String owner,
            Instant renewedAt,
            @Nullable Long fencingToken,
            @Nullable Instant releasedAt) {

        public long token() {
            return fencingToken == null ? 0L : fencingToken;
        }

        public boolean released() {
            return releasedAt != null;
        }
    }

    /** Where the lease objects live: the object store; a unit test of the lease logic can stand in for it. */
    interface Storage {
        /** The object's text, empty if there is none. */
        Optional<String> get(String key);

        void put(String key, String json);

        default boolean exists(String key) {
            return get(key).isPresent();
        }
    }

    /** The marker of a taken token ({@code lease-tokens/N}): who took it, when; for a post-mortem. */
    record TokenTaken(String runId, String owner, long fencingToken, Instant takenAt) {}

    private final Storage store;
    private final String owner;
    private final Duration ttl;
    private final Duration settle;
    private final ScheduledExecutorService timer;

    public RunLeases(ObjectStore store, Duration ttl) {
        this(objectStore(store), ttl, defaultSettle(ttl));
    }

    /** With {@code settle}: the pause between writing a lease and reading it back ({@link #defaultSettle}). */
    public RunLeases(ObjectStore store, Duration ttl, Duration settle) {
        this(objectStore(store), ttl, settle);
    }

    RunLeases(Storage store, Duration ttl) {
        this(store, ttl, defaultSettle(ttl));
    }

    RunLeases(Storage store, Duration ttl, Duration settle) {
        if (settle.isNegative() || settle.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException(
                    "softcifar.trainer.lease-settle must be at least 0 and below the lease TTL " + ttl + ", got "
                            + settle);
        }
        this.store = store;
        this.owner = "trainer-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.ttl = ttl;
        this.settle = settle;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("run-lease-renewal"));
    }

    /**
     * The default pause between writing a lease and reading it back: a tenth of the TTL, from 50 ms to 1 s. Two
     * replicas racing for a free lease must both have written within it for the read-back to pick one winner; the
     * pause is part of every run's start (submit → first step), so a single-replica stack on one machine
     * ({@code ./softcifar up}, local S3 round trips of milliseconds) sets a shorter one.
     */
    public static Duration defaultSettle(Duration ttl) {
        return Duration.ofMillis(Math.max(50, Math.min(1000, ttl.toMillis() / 10)));
    }

    public static String key(String runId) {
        return io.softcifar.contracts.storage.ObjectKeys.runPrefix(runId) + "lease.json";
    }

    /** The marker written by whoever took token {@code token} of the run first (never overwritten, never deleted). */
    public static String tokenKey(String runId, long token) {
        return io.softcifar.contracts.storage.ObjectKeys.runPrefix(runId) + "lease-tokens/" + token;
    }

    public String owner() {
        return owner;
    }

    /**
     * Blocks until this process holds the run's lease (its fencing token) or {@code ended} turns true while another
     * holder trains it (empty).
     */
    public OptionalLong acquire(String runId, BooleanSupplier ended) throws InterruptedException {
        long pause = settle.toMillis();
        boolean logged = false;
        while (true) {
            Optional<Lease> current = read(runId);
            if (current.isPresent() && heldByAnotherLive(current.get())) {
                // a live holder: it publishes the outcome and only then releases its lease
                if (!logged) {
                    LOG.infof(
                            "run %s: training on %s (lease renewed %s); waiting until it ends or its lease expires",
                            runId, current.get().owner(), current.get().renewedAt());
                    logged = true;
                }
                Thread.sleep(Math.max(defaultSettle(ttl).toMillis(), ttl.toMillis() / 4));
                continue;
            }
            if (ended.getAsBoolean()) {
                return OptionalLong.empty();
            }
            if (current.isPresent()
                    && !current.get().released()
                    && !current.get().owner().equals(owner)) {
                LOG.infof(
                        "run %s: lease of %s (token %d) is stale (renewed %s); taking the run over",
                        runId,
                        current.get().owner(),
                        current.get().token(),
                        current.get().renewedAt());
            }
            long token = newestToken(runId, current.map(Lease::token).orElse(0L)) + 1;
            // the marker first: from the moment it exists, every holder of a lower token is fenced out
            store.put(tokenKey(runId, token), EventCodec.toJson(new TokenTaken(runId, owner, token, Instant.now())));
            write(runId, token, null);
            Thread.sleep(pause);
            Optional<Lease> after = read(runId);
            if (after.isPresent()
                    && after.get().owner().equals(owner)
                    && after.get().token() == token
                    && !after.get().released()) {
                return OptionalLong.of(token);
            }
            // another replica wrote after us: it has the run
        }
    }

    /** Whether another process holds a fresh lease on the run (it is alive and will publish the outcome itself). */
    public boolean heldElsewhere(String runId) {
        return read(runId).filter(this::heldByAnotherLive).isPresent();
    }

    /** The run's newest token (0 without one), for events published outside a lease. */
    public long currentToken(String runId) {
        return newestToken(runId, read(runId).map(Lease::token).orElse(0L));
    }

    /**
     * The newest token taken for the run, counting from {@code stored} (the token {@code lease.json} names) past
     * every marker above it: more than {@code stored} when a superseded holder's write is the lease on record.
     */
    private long newestToken(String runId, long stored) {
        long token = stored;
        while (store.exists(tokenKey(runId, token + 1))) {
            token++;
        }
        return token;
    }

    /**
     * Renews the lease of {@code token} until {@link Held#release} is called; {@code onLost} runs (once, on the
     * renewal thread or the caller's) when the lease turns out to belong to another holder.
     */
    public Held hold(String runId, long token, Runnable onLost) {
        Held held = new Held(runId, token, onLost);
        long period = Math.max(100, ttl.toMillis() / 3);
        held.renewal = timer.scheduleAtFixedRate(held::renew, period, period, TimeUnit.MILLISECONDS);
        return held;
    }

    /** A lease being renewed. */
    public final class Held {
        private final String runId;
        private final long token;
        private final Runnable onLost;
        private final AtomicBoolean lost = new AtomicBoolean();
        private volatile String lostTo;
        private volatile ScheduledFuture<?> renewal;

        /** Orders a renewal's write and the release's write: the release is the last word. */
        private final Object writes = new Object();

        /** Set by {@link #release}: renewals that start later write nothing. */
        private boolean stopped;

        Held(String runId, long token, Runnable onLost) {
            this.runId = runId;
            this.token = token;
            this.onLost = onLost;
        }

        public long token() {
            return token;
        }

        /** True once a renewal or {@link #verify} found the lease held by another owner or token. */
        public boolean lost() {
            return lost.get();
        }

        /** Who holds the lease instead (for the log), once {@link #lost}. */
        public String lostTo() {
            return lostTo;
        }

        /**
         * Reads the lease now: false (and {@link #lost} from now on) if it no longer is this holder's. A read that
         * fails (store away) is not a verdict: true.
         */
        public boolean verify() {
            if (lost.get()) {
                return false;
            }
            Optional<Lease> current;
            boolean superseded;
            try {
                superseded = store.exists(tokenKey(runId, token + 1));
                current = read(runId);
            } catch (RuntimeException e) {
                LOG.warnf("run %s: could not read its lease to check it: %s", runId, e.getMessage());
                return true;
            }
            if (!superseded && current.isPresent()) {
                Lease stored = current.get();
                if (stored.owner().equals(owner) && stored.token() == token && !stored.released()) {
                    return true;
                }
                if (stored.token() < token) {
                    // a superseded holder, paused between reading and writing its lease, wrote it over this one:
                    // nobody took a token above this one, so the run is still this holder's (the renewal writes the
                    // lease back)
                    LOG.warnf(
                            "run %s: its lease (token %d) was overwritten by %s with the older token %d (a replica that"
                                    + " was paused while renewing); it is still this replica's and is written back",
                            runId, token, stored.owner(), stored.token());
                    return true;
                }
            }
            if (lost.compareAndSet(false, true)) {
                lostTo = superseded
                        ? "the replica that took token " + (token + 1) + " (lease-tokens/" + (token + 1) + ")"
                        : current.map(l -> l.owner() + " with token " + l.token() + (l.released() ? " (released)" : ""))
                                .orElse("nobody (the lease object is gone)");
                if (renewal != null) {
                    renewal.cancel(false);
                }
                LOG.warnf(
                        "run %s: FENCED OUT: its lease (token %d) is now held by %s; this replica was paused or cut"
                                + " off longer than the lease TTL and the run was taken over. It stops now, publishes no"
                                + " outcome and writes no more checkpoints",
                        runId, token, lostTo);
                onLost.run();
            }
            return false;
        }

        private void renew() {
            synchronized (writes) {
                if (stopped) {
                    return; // released meanwhile: a late renewal must not write over the released lease
                }
                try {
                    if (verify()) {
                        write(runId, token, null);
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("run %s: could not renew its lease: %s", runId, e.getMessage());
                }
            }
        }

        /**
         * Stops renewing. When the run has ended or was given up ({@code release} true), marks the lease released
         * (keeping its token for the next lease); a crashed run's lease just expires. A lost lease is not touched:
         * it is another holder's.
         */
        public void release(boolean release) {
            if (renewal != null) {
                renewal.cancel(false); // does not wait for a renewal already running: the lock below does
            }
            synchronized (writes) {
                stopped = true;
                if (release && !lost.get()) {
                    try {
                        write(runId, token, Instant.now());
                    } catch (RuntimeException e) {
                        LOG.warnf(
                                "run %s: could not release its lease (it expires by itself): %s",
                                runId, e.getMessage());
                    }
                }
            }
        }
    }

    private boolean heldByAnotherLive(Lease lease) {
        return !lease.released() && !lease.owner().equals(owner) && !stale(lease);
    }

    private boolean stale(Lease lease) {
        return lease.renewedAt().plus(ttl).isBefore(Instant.now());
    }

    /** The run's lease as stored, empty if there is none. */
    public Optional<Lease> read(String runId) {
        return store.get(key(runId)).map(json -> EventCodec.fromJson(json, Lease.class));
    }

    private void write(String runId, long token, @Nullable Instant releasedAt) {
        Instant now = Instant.now();
        store.put(key(runId), EventCodec.toJson(new Lease(runId, owner, now, token, releasedAt)));
    }

    private static Storage objectStore(ObjectStore store) {
        return new Storage() {
            @Override
            public Optional<String> get(String key) {
                try { // one GET: a missing key is an answer (not retried), no HEAD before it needed
                    return Optional.of(new String(store.getBytes(key), StandardCharsets.UTF_8));
                } catch (io.softcifar.storage.NoSuchObjectException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void put(String key, String json) {
                store.putJson(key, json);
            }

            @Override
            public boolean exists(String key) {
                return store.exists(key);
            }
        };
    }
}
