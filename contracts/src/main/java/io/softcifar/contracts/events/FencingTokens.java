package io.softcifar.contracts.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rule of fencing: of a run's {@linkplain Fenced lease-holder events}, one stamped with a token older than
 * the newest token seen for that run is stale and must be ignored. An event without a token counts as 0, so it never
 * overrides a tokened one; events of other types (requests, evaluations) are never stale.
 */
public final class FencingTokens {

    private FencingTokens() {}

    /** The event's token; 0 for an event without one or of a type that carries none. */
    public static long tokenOf(Event event) {
        return event instanceof Fenced f && f.fencingToken() != null ? f.fencingToken() : 0L;
    }

    /** Whether a lease-holder event with {@code token} is stale once {@code newestSeen} was seen for its run. */
    public static boolean isStale(long token, long newestSeen) {
        return token < newestSeen;
    }

    /**
     * The newest token seen per run, for a reader that keeps no other per-run state. Bounded: the runs seen longest
     * ago are forgotten beyond {@code capacity} (a run's events come close together; its old events are not re-read
     * once committed). Thread-safe.
     */
    public static final class Newest {
        private final Map<String, Long> newest;

        public Newest(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be positive, got " + capacity);
            }
            this.newest = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > capacity;
                }
            };
        }

        /**
         * Records the event's token and says whether the event may be used: true for events that are not
         * {@link Fenced} and for fenced events whose token is not older than the newest seen for their run.
         */
        public synchronized boolean admit(Event event) {
            if (!(event instanceof Fenced f) || f.runId() == null) {
                return true;
            }
            long token = tokenOf(event);
            long seen = newest.getOrDefault(f.runId(), 0L);
            if (isStale(token, seen)) {
                return false;
            }
            newest.put(f.runId(), token);
            return true;
        }

        /** The newest token seen for the run (0 if none). */
        public synchronized long newest(String runId) {
            return newest.getOrDefault(runId, 0L);
        }
    }
}
