package io.softcifar.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.softcifar.contracts.events.EventCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The lease logic against an in-memory store whose writes the test can hold up, to order a renewal and a release
 * deterministically (with the object store the race shows only now and then).
 */
class RunLeasesTest {

    private static final String RUN = "run-lease-race";

    /**
     * A map; the first write of an unreleased {@code lease.json} after {@link #arm} waits until {@link #go} is opened
     * (as if its writer were paused there).
     */
    static final class HeldUpStore implements RunLeases.Storage {
        final Map<String, String> objects = new ConcurrentHashMap<>();
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch renewalWriting = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch renewalWritten = new CountDownLatch(1);

        void arm() {
            armed.set(true);
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(objects.get(key));
        }

        @Override
        public void put(String key, String json) {
            boolean unreleased = key.equals(RunLeases.key(RUN))
                    && EventCodec.fromJson(json, RunLeases.Lease.class).releasedAt() == null;
            if (unreleased && armed.compareAndSet(true, false)) {
                renewalWriting.countDown();
                try {
                    if (!go.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the held-up renewal write");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                objects.put(key, json);
                renewalWritten.countDown();
                return;
            }
            objects.put(key, json);
        }

        RunLeases.Lease lease() {
            return EventCodec.fromJson(objects.get(RunLeases.key(RUN)), RunLeases.Lease.class);
        }
    }

    @Test
    void aRenewalAlreadyWritingWhenTheRunReleasesItsLeaseDoesNotUndoTheRelease() throws Exception {
        HeldUpStore store = new HeldUpStore();
        // TTL 300 ms: renewals every 100 ms
        RunLeases leases = new RunLeases(store, Duration.ofMillis(300));
        OptionalLong token = leases.acquire(RUN, () -> false);
        assertThat(token).isPresent();
        RunLeases.Held held = leases.hold(RUN, token.getAsLong(), () -> {});

        store.arm();
        assertThat(store.renewalWriting.await(10, TimeUnit.SECONDS))
                .as("a renewal reached its write")
                .isTrue();
        // the renewal has read the lease and is writing it back, unreleased; the run ends now
        Thread releasing = new Thread(() -> held.release(true), "release");
        releasing.start();
        // either the release waits for the renewal (blocked), or it has written the released lease already
        await().atMost(Duration.ofSeconds(10))
                .until(() -> releasing.getState() == Thread.State.BLOCKED
                        || releasing.getState() == Thread.State.TERMINATED);
        store.go.countDown();
        assertThat(store.renewalWritten.await(10, TimeUnit.SECONDS)).isTrue();
        releasing.join(10_000);
        assertThat(releasing.isAlive()).isFalse();

        RunLeases.Lease stored = store.lease();
        assertThat(stored.released())
                .as("the lease after the run released it (a renewal must not write it back)")
                .isTrue();
        assertThat(stored.token()).isEqualTo(token.getAsLong());
        assertThat(held.lost()).isFalse();
    }

    /**
     * The race FaultInjectionIT met on 2026-12-05: a holder stopped (SIGSTOP) after its renewal had read its lease
     * and before the write landed; another replica took the run over; on waking, the old write put the old lease back
     * over the new one, and the old holder's next check found its own lease and went on as if nothing had happened.
     */
    @Test
    void aHolderPausedWhileRenewingCannotTakeBackARunTakenOverMeanwhile() throws Exception {
        HeldUpStore store = new HeldUpStore();
        Duration ttl = Duration.ofMillis(300); // renewals every 100 ms
        RunLeases first = new RunLeases(store, ttl);
        long firstToken = first.acquire(RUN, () -> false).getAsLong();
        AtomicBoolean firstFenced = new AtomicBoolean();
        RunLeases.Held firstHeld = first.hold(RUN, firstToken, () -> firstFenced.set(true));
        store.arm();
        assertThat(store.renewalWriting.await(10, TimeUnit.SECONDS))
                .as("a renewal reached its write")
                .isTrue();

        // the renewal is "paused" in its write; no renewal lands, the lease goes stale and another replica takes it
        RunLeases second = new RunLeases(store, ttl);
        long secondToken = second.acquire(RUN, () -> false).getAsLong();
        assertThat(secondToken).isEqualTo(firstToken + 1);
        AtomicBoolean secondFenced = new AtomicBoolean();
        RunLeases.Held secondHeld = second.hold(RUN, secondToken, () -> secondFenced.set(true));

        store.go.countDown(); // the paused holder wakes up: its old lease lands over the new one
        assertThat(store.renewalWritten.await(10, TimeUnit.SECONDS)).isTrue();

        await("the woken holder fenced out").atMost(Duration.ofSeconds(10)).until(firstFenced::get);
        assertThat(firstHeld.verify()).isFalse();
        await("the new holder's lease written back")
                .atMost(Duration.ofSeconds(10))
                .until(() -> store.lease().owner().equals(second.owner())
                        && store.lease().token() == secondToken
                        && !store.lease().released());
        assertThat(secondHeld.verify()).as("the new holder still holds the run").isTrue();
        assertThat(secondFenced).isFalse();
        secondHeld.release(true);
        firstHeld.release(true); // lost: must leave the lease alone
        assertThat(store.lease().owner()).isEqualTo(second.owner());
        assertThat(store.lease().released()).isTrue();
    }

    @Test
    void theNextTokenCountsPastEveryTakenTokenEvenWhenAnOlderLeaseIsOnRecord() throws Exception {
        HeldUpStore store = new HeldUpStore();
        Duration ttl = Duration.ofMillis(300);
        RunLeases first = new RunLeases(store, ttl);
        long firstToken = first.acquire(RUN, () -> false).getAsLong();
        AtomicBoolean firstFenced = new AtomicBoolean();
        first.hold(RUN, firstToken, () -> firstFenced.set(true));
        store.arm();
        assertThat(store.renewalWriting.await(10, TimeUnit.SECONDS)).isTrue();
        // a second replica takes token 2 and dies at once (never renews, never releases)
        long secondToken = new RunLeases(store, ttl).acquire(RUN, () -> false).getAsLong();
        assertThat(secondToken).isEqualTo(2);
        store.go.countDown();
        assertThat(store.renewalWritten.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(firstFenced::get);
        assertThat(store.lease().token())
                .as("the lease on record is the woken holder's, token 1")
                .isEqualTo(1);

        // a third replica, once that lease is stale: token 3 (token 2 was given already), not 1 + 1
        RunLeases third = new RunLeases(store, ttl);
        assertThat(third.currentToken(RUN)).isEqualTo(2);
        assertThat(third.acquire(RUN, () -> false)).hasValue(3);
    }

    @Test
    void theSettlePauseIsATenthOfTheTtlWithinItsBoundsOrAsConfigured() throws Exception {
        // a tenth of the TTL, at least 50 ms, at most 1 s (worked by hand)
        assertThat(RunLeases.defaultSettle(Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RunLeases.defaultSettle(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(300));
        assertThat(RunLeases.defaultSettle(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> new RunLeases(new HeldUpStore(), Duration.ofSeconds(6), Duration.ofSeconds(6)))
                .hasMessageStartingWith("softcifar.trainer.lease-settle must be at least 0 and below the lease TTL");
        assertThatThrownBy(() -> new RunLeases(new HeldUpStore(), Duration.ofSeconds(6), Duration.ofMillis(-1)))
                .hasMessageStartingWith("softcifar.trainer.lease-settle must be at least 0");

        // the lease is read back no sooner than the configured pause after it was written
        long[] wroteAt = new long[1];
        long[] readBackAt = new long[1];
        RunLeases.Storage timed = new RunLeases.Storage() {
            final Map<String, String> objects = new ConcurrentHashMap<>();

            @Override
            public Optional<String> get(String key) {
                if (wroteAt[0] != 0 && readBackAt[0] == 0) {
                    readBackAt[0] = System.nanoTime();
                }
                return Optional.ofNullable(objects.get(key));
            }

            @Override
            public void put(String key, String json) {
                wroteAt[0] = System.nanoTime();
                objects.put(key, json);
            }
        };
        RunLeases leases = new RunLeases(timed, Duration.ofSeconds(6), Duration.ofMillis(150));
        assertThat(leases.acquire(RUN, () -> false)).isPresent();
        assertThat(Duration.ofNanos(readBackAt[0] - wroteAt[0])).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }
}
