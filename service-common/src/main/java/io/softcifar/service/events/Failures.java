package io.softcifar.service.events;

import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.storage.ObjectStoreException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The one place that decides whether a failed event is worth another try: every consumer asks this, so a broker or
 * object-store outage is retried the same way in every service, and a bad event is dead-lettered the same way.
 *
 * <p>Retryable (the cause chain holds one of them): {@link RetryableEventException}; a {@linkplain
 * ObjectStoreException#retryable() retryable} object-store failure (unreachable, timeout, 5xx); a Kafka
 * {@link RetriableException} (so a publish the broker did not take in time, whose cause is Kafka's
 * {@code TimeoutException}); a refused or reset connection or a timeout. A verdict of the handler comes first:
 * {@link RejectedEventException} and {@link JsonDecodingException} (an event or a stored record that is not its
 * contract type) are poison whatever their cause. Everything else
 * (a bug, an invalid value) is poison too: another try would fail the same way.
 */
public final class Failures {

    /** What to do with a record whose handler failed. */
    public enum Kind {
        /** Try again later, with backoff, the partition paused and the offset uncommitted. */
        RETRYABLE,
        /** Dead-letter at once: another try cannot succeed. */
        POISON
    }

    private Failures() {}

    public static Kind classify(Throwable failure) {
        if (failure instanceof RejectedEventException || failure instanceof JsonDecodingException) {
            return Kind.POISON;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedEventException || t instanceof JsonDecodingException) {
                return Kind.POISON;
            }
            if (isTransient(t)) {
                return Kind.RETRYABLE;
            }
            if (t instanceof ObjectStoreException store) {
                return store.retryable() ? Kind.RETRYABLE : Kind.POISON;
            }
        }
        return Kind.POISON;
    }

    public static boolean retryable(Throwable failure) {
        return classify(failure) == Kind.RETRYABLE;
    }

    private static boolean isTransient(Throwable t) {
        return t instanceof RetryableEventException
                || (t instanceof ObjectStoreException store && store.retryable())
                || t instanceof RetriableException
                || t instanceof TimeoutException
                || t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof SocketException
                || (t instanceof InterruptedIOException
                        && !(t instanceof java.nio.channels.ClosedByInterruptException));
    }
}
