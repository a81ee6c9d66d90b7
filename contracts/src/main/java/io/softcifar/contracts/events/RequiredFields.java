package io.softcifar.contracts.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.Spec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the first required field that a JSON tree lacks for a record type. Every record component is required
 * unless marked {@link Nullable}; nested records and lists or maps of records are checked too, and collections may
 * not hold nulls. {@link Spec}s are not descended into: their nulls mean defaults, and they validate themselves.
 * Done on the tree, before Jackson builds the record, because a missing primitive would otherwise silently be 0.
 */
final class RequiredFields {

    private RequiredFields() {}

    /** Path of the first missing field ("runId", "summary.images", "reliability[2].count"), or empty. */
    static Optional<String> firstMissing(JsonNode tree, Class<?> recordType) {
        return checkRecord(tree, recordType, "");
    }

    private static Optional<String> checkRecord(JsonNode node, Class<?> type, String path) {
        if (!type.isRecord() || Spec.class.isAssignableFrom(type) || !node.isObject()) {
            return Optional.empty();
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String name = path.isEmpty() ? component.getName() : path + "." + component.getName();
            JsonNode value = node.get(component.getName());
            if (value == null || value.isNull()) {
                if (component.isAnnotationPresent(Nullable.class)) {
                    continue;
                }
                return Optional.of(name);
            }
            Optional<String> missing = checkValue(value, component.getGenericType(), name);
            if (missing.isPresent()) {
                return missing;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkValue(JsonNode value, Type type, String path) {
        if (type instanceof Class<?> c) {
            return checkRecord(value, c, path);
        }
        if (!(type instanceof ParameterizedType parameterized)
                || !(parameterized.getRawType() instanceof Class<?> raw)) {
            return Optional.empty();
        }
        Type[] arguments = parameterized.getActualTypeArguments();
        if (Iterable.class.isAssignableFrom(raw) && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                Optional<String> missing = checkElement(value.get(i), arguments[0], path + "[" + i + "]");
                if (missing.isPresent()) {
                    return missing;
                }
            }
        } else if (Map.class.isAssignableFrom(raw) && value.isObject()) {
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                Optional<String> missing = checkElement(entry.getValue(), arguments[1], path + "." + entry.getKey());
                if (missing.isPresent()) {
                    return missing;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkElement(JsonNode element, Type type, String path) {
        return element.isNull() ? Optional.of(path) : checkValue(element, type, path);
    }
}
