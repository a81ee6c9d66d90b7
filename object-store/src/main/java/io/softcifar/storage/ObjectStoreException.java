package io.softcifar.storage;

/**
 * An object-store operation failed. The message names the operation, the key, the bucket and endpoint, and the
 * problem in words ("the bucket does not exist", "cannot reach the endpoint", …), so that it can be shown to a user
 * or returned by a health check as it is; the MinIO exception is kept as the cause for the logs.
 */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
