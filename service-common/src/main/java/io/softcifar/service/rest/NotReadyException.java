package io.softcifar.service.rest;

/**
 * The service cannot answer yet (e.g. its view is still being rebuilt from Kafka at start-up), so nothing may be
 * decided: HTTP 503, worth retrying in a moment.
 */
public class NotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
