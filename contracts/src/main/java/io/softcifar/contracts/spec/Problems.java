package io.softcifar.contracts.spec;

import java.util.ArrayList;
import java.util.List;

/** Collects {@link FieldError}s while a spec is checked, so validation reports every problem, not the first. */
final class Problems {

    private final List<FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Adds the error unless {@code ok}; returns {@code ok} so dependent checks can be skipped. */
    boolean check(boolean ok, String field, String message) {
        if (!ok) {
            add(field, message);
        }
        return ok;
    }

    int size() {
        return errors.size();
    }

    List<FieldError> toList() {
        return List.copyOf(errors);
    }

    /** "1.2" for doubles that print plainly, Java's form otherwise: values in messages look like the input. */
    static String fmt(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value)
                : String.valueOf(value);
    }
}
