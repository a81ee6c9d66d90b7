package io.softcifar.contracts.events;

import io.softcifar.contracts.errors.SoftcifarException;

/**
 * JSON that cannot be read as the expected contract type: a Kafka message that is not a usable event (not JSON, an
 * unknown type, a schema version newer than this service knows, a payload missing a required field), a manifest, a
 * stored record. The message is one line naming the problem and the offending field or value ("event type 'x' is
 * unknown", "training.progress payload: missing field runId", "DatasetManifest: missing field seeds[0].trainMean"),
 * fit for a log, a dead-letter header or an API error. Consumers dead-letter such an event at once: the same bytes
 * fail the same way on every try. (It absorbed {@code EventDecodingException}, which meant the same for events.)
 */
public class JsonDecodingException extends SoftcifarException {

    public JsonDecodingException(String message) {
        super(message);
    }

    public JsonDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
