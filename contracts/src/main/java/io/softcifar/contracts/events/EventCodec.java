package io.softcifar.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one JSON configuration of the pipeline and the one way to put events on the wire. Services must not build
 * their own ObjectMapper for contract types: use {@link #json()}, or {@link #configure} on a framework's mapper
 * (e.g. a Quarkus {@code ObjectMapperCustomizer}) so REST and Kafka agree.
 *
 * <p>Configuration: java.time as ISO-8601 strings, unknown properties ignored (older consumers read newer producers),
 * null fields left out, map entries sorted by key (stable output), trailing garbage rejected.
 *
 * <p>Decoding reports every problem as a {@link JsonDecodingException} with a one-line message, never as a Jackson
 * stack trace: what was wrong, with the offending field or value.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
    private static final int MAX_VALUE_IN_MESSAGE = 80;

    private EventCodec() {}

    /** Applies the contract settings to {@code mapper} and returns it. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .setDefaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS));
    }

    /** The shared, configured mapper. Thread-safe for reading and writing; do not reconfigure it (copy it instead). */
    public static ObjectMapper json() {
        return MAPPER;
    }

    /**
     * An envelope as compact JSON.
     *
     * @throws IllegalArgumentException if the payload lacks a required field (a producer bug, caught before sending)
     */
    public static String encode(EventEnvelope envelope) {
        ObjectNode tree = MAPPER.valueToTree(envelope);
        RequiredFields.firstMissing(tree.get("payload"), envelope.payload().getClass())
                .ifPresent(field -> {
                    throw new IllegalArgumentException(
                            "cannot encode " + envelope.type() + ": payload: missing field " + field);
                });
        return write(tree);
    }

    /**
     * Reads an envelope and its payload, choosing the payload class by {@code type}. Unknown fields are ignored.
     *
     * @throws JsonDecodingException if the text is not JSON, not an envelope, of an unknown type, of a newer schema
     *     version than its type's ({@link EventTypes#schemaVersionOf}), or its payload lacks a required field or has
     *     a bad value
     */
    public static EventEnvelope decode(String json) {
        return decodeEnvelope(json);
    }

    /** Any contract value (spec, manifest, ...) as compact JSON. */
    public static String toJson(Object value) {
        return write(MAPPER.valueToTree(value));
    }

    /** Any contract value as pretty-printed JSON (files people read: manifests, metrics). */
    public static String toPrettyJson(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a contract value; for records, required fields are checked as for event payloads.
     *
     * @throws JsonDecodingException with a one-line message naming the type and the offending field
     */
    public static <T> T fromJson(String json, Class<T> type) {
        JsonNode root = readTree(json, "a " + type.getSimpleName());
        return convertRecord(root, type, type.getSimpleName());
    }

    /**
     * Canonical JSON for content addressing and grouping keys: null fields left out, object keys sorted at every
     * level, no whitespace. Equal values give equal strings, whatever the field order of their source.
     */
    public static String toCanonicalJson(Object value) {
        JsonNode tree = value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
        return write(sortKeys(tree));
    }

    private static EventEnvelope decodeEnvelope(String json) {
        JsonNode root = readTree(json, "an event");
        String eventId = requiredText(root, "eventId");
        String type = requiredText(root, "type");
        JsonNode versionNode = requiredField(root, "schemaVersion");
        if (!versionNode.canConvertToExactIntegral() || !versionNode.canConvertToInt()) {
            throw new JsonDecodingException("envelope: schemaVersion must be an integer, got " + brief(versionNode));
        }
        int schemaVersion = versionNode.intValue();
        if (schemaVersion < 1) {
            throw new JsonDecodingException("envelope: schemaVersion must be >= 1, got " + schemaVersion);
        }
        Class<? extends Event> payloadClass = EventTypes.classOf(type)
                .orElseThrow(() -> new JsonDecodingException("event type '" + type + "' is unknown"));
        int supported = EventTypes.schemaVersionOf(type);
        if (schemaVersion > supported) {
            throw new JsonDecodingException("event " + eventId + " (" + type + "): schemaVersion " + schemaVersion
                    + " is newer than the supported " + supported + "; update this service");
        }
        Instant time = convert(requiredField(root, "time"), Instant.class, "envelope: field time");
        JsonNode correlationNode = root.get("correlation");
        Correlation correlation = correlationNode == null || correlationNode.isNull()
                ? Correlation.NONE
                : convert(correlationNode, Correlation.class, "envelope: field correlation");
        JsonNode payloadNode = requiredField(root, "payload");
        if (!payloadNode.isObject()) {
            throw new JsonDecodingException(type + " payload: expected a JSON object, got " + brief(payloadNode));
        }
        Event payload = convertRecord(payloadNode, payloadClass, type + " payload");
        return new EventEnvelope(eventId, type, schemaVersion, time, correlation, payload);
    }

    private static JsonNode sortKeys(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getValue().isNull()) {
                    sorted.put(field.getKey(), sortKeys(field.getValue()));
                }
            }
            ObjectNode out = MAPPER.createObjectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = MAPPER.createArrayNode();
            node.forEach(element -> out.add(sortKeys(element)));
            return out;
        }
        return node;
    }

    private static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static JsonNode readTree(String json, String what) {
        if (json == null || json.isBlank()) {
            throw new JsonDecodingException("not JSON: the input is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonDecodingException("not JSON: " + firstLine(e.getOriginalMessage()) + at(e.getLocation()), e);
        }
        if (!root.isObject()) {
            throw new JsonDecodingException("not " + what + ": expected a JSON object, got " + brief(root));
        }
        return root;
    }

    private static JsonNode requiredField(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            throw new JsonDecodingException("envelope: missing field " + name);
        }
        return value;
    }

    private static String requiredText(JsonNode root, String name) {
        JsonNode value = requiredField(root, name);
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new JsonDecodingException("envelope: " + name + " must be a non-empty string, got " + brief(value));
        }
        return value.textValue();
    }

    private static <T> T convertRecord(JsonNode node, Class<T> type, String context) {
        Optional<String> missing = RequiredFields.firstMissing(node, type);
        if (missing.isPresent()) {
            throw new JsonDecodingException(context + ": missing field " + missing.get());
        }
        return convert(node, type, context);
    }

    private static <T> T convert(JsonNode node, Class<T> type, String context) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String problem = cause.getMessage() != null
                    ? firstLine(cause.getMessage())
                    : "invalid value (" + cause.getClass().getSimpleName() + ")";
            throw new JsonDecodingException(context + ": " + problem, e);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new JsonDecodingException(
                    context + (path.isEmpty() ? "" : ": field " + path) + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new JsonDecodingException(context + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new JsonDecodingException(context + ": " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static String brief(JsonNode node) {
        String text =
                node.isContainerNode() ? node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) : node.toString();
        return text.length() > MAX_VALUE_IN_MESSAGE ? text.substring(0, MAX_VALUE_IN_MESSAGE) + "…" : text;
    }
}
