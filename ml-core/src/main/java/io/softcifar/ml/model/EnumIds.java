package io.softcifar.ml.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parsing of the enums named by a lower-case id ({@link Method}, {@link GpFormulation}): one rule for all of them. */
final class EnumIds {

    private EnumIds() {}

    /**
     * The constant whose id is {@code text} trimmed and lower-cased; otherwise an {@link IllegalArgumentException}
     * "{@code unknown}'text' (expected one of a, b, c)", e.g. with {@code unknown} = "unknown method ".
     */
    static <E> E parse(E[] values, Function<E, String> id, String text, String unknown) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (E e : values) {
            if (id.apply(e).equals(key)) {
                return e;
            }
        }
        throw new IllegalArgumentException(unknown + "'" + text + "' (expected one of "
                + Arrays.stream(values).map(id).collect(Collectors.joining(", ")) + ")");
    }
}
