package io.softcifar.service.events;

import io.softcifar.contracts.errors.SoftcifarException;

/**
 * A handler's verdict that an event could not be processed <em>now</em> (a service it needs is down, a timeout) but may
 * be later. The consumer keeps the offset uncommitted and tries the record again with backoff, pausing its partition;
 * only after the retry budget does the record go to the dead-letter topic. Handlers rarely need to throw this:
 * failures of the object store and of Kafka are recognised as retryable by {@link Failures} already.
 */
public class RetryableEventException extends SoftcifarException {

    public RetryableEventException(String reason) {
        super(reason);
    }

    public RetryableEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
