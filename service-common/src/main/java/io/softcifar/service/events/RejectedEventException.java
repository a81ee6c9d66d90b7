package io.softcifar.service.events;

/**
 * A handler's verdict that an event can never be processed (invalid spec, unknown dataset, …). The consumer
 * puts the original record on the topic's dead-letter topic with this reason and moves on; publishing the
 * domain's own failed event is the handler's job, before it throws.
 */
public class RejectedEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RejectedEventException(String reason) {
        super(reason);
    }

    public RejectedEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
