package io.softcifar.contracts.study;

import io.softcifar.contracts.spec.FieldError;
import java.util.LinkedHashSet;
import java.util.List;

/** Field errors without duplicates (a bad grid value fails every configuration it is part of), in order. */
final class StudyErrors {
    private final LinkedHashSet<FieldError> errors = new LinkedHashSet<>();

    void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    List<FieldError> list() {
        return List.copyOf(errors);
    }
}
