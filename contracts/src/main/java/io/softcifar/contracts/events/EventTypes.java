package io.softcifar.contracts.events;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of event types, built from the permitted subclasses of the sealed {@link Event} and their
 * {@code TYPE} constants, so there is no second list to keep in step. Each type has its own schema version: its
 * optional {@code public static final int SCHEMA_VERSION}, else {@link EventEnvelope#SCHEMA_VERSION} (1).
 */
public final class EventTypes {

    private static final Map<String, Class<? extends Event>> BY_TYPE;
    private static final Map<Class<? extends Event>, String> BY_CLASS;
    private static final Map<String, Integer> VERSIONS;

    static {
        Map<String, Class<? extends Event>> byType = new TreeMap<>();
        Map<Class<? extends Event>, String> byClass = new HashMap<>();
        Map<String, Integer> versions = new HashMap<>();
        for (Class<?> permitted : Event.class.getPermittedSubclasses()) {
            Class<? extends Event> eventClass = permitted.asSubclass(Event.class);
            String type = typeConstant(eventClass);
            Class<? extends Event> previous = byType.put(type, eventClass);
            if (previous != null) {
                throw new IllegalStateException("event type '" + type + "' is declared by both "
                        + previous.getSimpleName() + " and " + eventClass.getSimpleName());
            }
            byClass.put(eventClass, type);
            versions.put(type, versionConstant(eventClass));
        }
        VERSIONS = Map.copyOf(versions);
        BY_TYPE = Collections.unmodifiableMap(byType);
        BY_CLASS = Map.copyOf(byClass);
    }

    private EventTypes() {}

    /** Every known type name, sorted. */
    public static Set<String> all() {
        return BY_TYPE.keySet();
    }

    /** The payload class of a type name, empty if unknown. */
    public static Optional<Class<? extends Event>> classOf(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    /** The type name of a payload class. */
    public static String typeOf(Class<? extends Event> eventClass) {
        String type = BY_CLASS.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not a permitted Event");
        }
        return type;
    }

    public static String typeOf(Event event) {
        return typeOf(event.getClass());
    }

    /** The schema version this code writes for a type, and the newest it reads. */
    public static int schemaVersionOf(String type) {
        Integer version = VERSIONS.get(type);
        if (version == null) {
            throw new IllegalArgumentException("event type '" + type + "' is unknown");
        }
        return version;
    }

    private static int versionConstant(Class<? extends Event> eventClass) {
        try {
            Field field = eventClass.getField("SCHEMA_VERSION");
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != int.class) {
                throw new IllegalStateException(
                        eventClass.getSimpleName() + ".SCHEMA_VERSION must be a public static final int");
            }
            return field.getInt(null);
        } catch (NoSuchFieldException e) {
            return EventEnvelope.SCHEMA_VERSION;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(eventClass.getSimpleName() + ".SCHEMA_VERSION must be public", e);
        }
    }

    private static String typeConstant(Class<? extends Event> eventClass) {
        try {
            Field field = eventClass.getField("TYPE");
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                throw new NoSuchFieldException();
            }
            return (String) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    eventClass.getSimpleName() + " must declare public static final String TYPE");
        }
    }
}
