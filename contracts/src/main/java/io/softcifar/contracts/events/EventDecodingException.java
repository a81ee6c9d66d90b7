package io.softcifar.contracts.events;

/**
 * A Kafka message that is not a usable event: not JSON, an unknown type, a schema version newer than this service
 * knows, or a payload missing a required field. Consumers send such messages to the topic's dead-letter queue with
 * this one-line message, e.g. "event type 'x' is unknown" or "training.progress payload: missing field runId".
 */
public class EventDecodingException extends JsonDecodingException {

    private static final long serialVersionUID = 1L;

    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
