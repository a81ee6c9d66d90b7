package io.softcifar.dataset.service;

import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.ml.data.InvalidDataException;

/**
 * Why an import failed, as a user reads it: the field or file at fault (may be null) and the reason. Data errors
 * carry messages of the form {@code "<file or field>: <problem>"} (see {@code InvalidDataException}); anything else
 * is reported by its message alone. {@code badInput}: the requester can fix it (HTTP 400), as opposed to a failure
 * of the service or its object store.
 */
public record Problem(String field, String message, boolean badInput) {

    static Problem of(Throwable e) {
        if (e instanceof InvalidSpecException spec && !spec.errors().isEmpty()) {
            return new Problem(spec.errors().get(0).field(), spec.getMessage(), true);
        }
        boolean badInput = e instanceof InvalidDataException;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int colon = message.indexOf(": ");
        String field = colon > 0 && !message.substring(0, colon).contains(" ") ? message.substring(0, colon) : null;
        return new Problem(badInput ? field : null, message, badInput);
    }
}
