package io.softcifar.results.service;

/** The view has not been rebuilt from Kafka yet (start-up), so nothing may be decided on it: HTTP 503. */
public class ViewNotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ViewNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
