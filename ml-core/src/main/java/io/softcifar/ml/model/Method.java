package io.softcifar.ml.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The four uncertainty methods of the study (PROTOCOL.md, "Uncertainty methods"). */
public enum Method {
    BASIC("basic"),
    DROPOUT("dropout"),
    SNGP("sngp"),
    DUQ("duq");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Method parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.id.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + text + "' (expected one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")) + ")");
    }
}
