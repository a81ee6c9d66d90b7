package io.softcifar.results.service;

import io.softcifar.contracts.spec.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** A study that cannot be accepted; every problem named by its request field (HTTP 400, or 409 for a conflict). */
public class StudyValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;
    private final int status;

    public StudyValidationException(int status, List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    public int status() {
        return status;
    }
}
