package io.softcifar.storage;

/**
 * An object-store operation failed. The message names the operation, the key, the bucket and endpoint, and the
 * problem in words ("the bucket does not exist", "cannot reach the endpoint", …), so that it can be shown to a user
 * or returned by a health check as it is; the MinIO exception is kept as the cause for the logs.
 *
 * <p>{@link #retryable()} tells an outage (worth another try later) from a request that will never succeed; the
 * services' event consumers retry the former with backoff and dead-letter the latter.
 */
public class ObjectStoreException extends RuntimeException {

    private final boolean retryable;

    public ObjectStoreException(String message) {
        this(message, null, false);
    }

    public ObjectStoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param retryable true when the store could not be reached or did not answer in time (connection refused or
     *                  reset, a timeout, a 5xx answer): the same call may succeed later. False for answers that will
     *                  not change (no such key, bad credentials, a missing bucket, a local file problem).
     */
    public ObjectStoreException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when the store was down or slow rather than the request wrong; see the constructor. */
    public boolean retryable() {
        return retryable;
    }
}
