package io.softcifar.service.events;

import io.softcifar.contracts.errors.SoftcifarException;

/**
 * A handler's verdict that an event can never be processed (invalid spec, unknown dataset, …). The consumer
 * puts the original record on the topic's dead-letter topic with this reason and moves on; publishing the
 * domain's own failed event is the handler's job, before it throws.
 */
public class RejectedEventException extends SoftcifarException {

    public RejectedEventException(String reason) {
        super(reason);
    }

    public RejectedEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
