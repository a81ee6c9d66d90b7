package io.softcifar.contracts.events;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The one wire format of every Kafka message: an id, the payload's type name and schema version, when it happened,
 * the ids it belongs to, and the payload. The type sits outside the payload so a consumer can route, skip or
 * dead-letter an event without decoding it. Encode and decode with {@link EventCodec} only.
 *
 * @param eventId       random UUID; consumers use it to drop redeliveries
 * @param type          the payload's {@code TYPE}, e.g. "dataset.requested"
 * @param schemaVersion the payload type's version ({@link EventTypes#schemaVersionOf}: {@value #SCHEMA_VERSION} unless
 *                      the record declares its own {@code SCHEMA_VERSION}); raised when a type's payload changes, and
 *                      consumers refuse versions newer than theirs and read older ones (new fields are then null)
 * @param time          when the producer created the event (ISO-8601 in JSON)
 * @param correlation   the study, run and dataset it belongs to
 * @param payload       the event
 */
public record EventEnvelope(
        String eventId, String type, int schemaVersion, Instant time, Correlation correlation, Event payload) {

    /** The version of every type that declares none. */
    public static final int SCHEMA_VERSION = 1;

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(payload, "payload");
        correlation = correlation == null ? Correlation.NONE : correlation;
        String payloadType = EventTypes.typeOf(payload);
        if (!payloadType.equals(type)) {
            throw new IllegalArgumentException("type '" + type + "' does not match the payload, a " + payloadType);
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1, got " + schemaVersion);
        }
    }

    /** A new event now, with a random id. */
    public static EventEnvelope of(Event payload, Correlation correlation) {
        return of(payload, correlation, Clock.systemUTC(), UUID.randomUUID());
    }

    /** A new event at the clock's time with the given id: deterministic, for tests. */
    public static EventEnvelope of(Event payload, Correlation correlation, Clock clock, UUID eventId) {
        String type = EventTypes.typeOf(payload);
        return new EventEnvelope(
                eventId.toString(), type, EventTypes.schemaVersionOf(type), clock.instant(), correlation, payload);
    }

    /** The payload if it is of the given class. */
    public <T extends Event> Optional<T> payloadAs(Class<T> eventClass) {
        return eventClass.isInstance(payload) ? Optional.of(eventClass.cast(payload)) : Optional.empty();
    }
}
