package io.softcifar.contracts.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec with problems; the message lists every {@link FieldError} on one line, separated by "; ". */
public class InvalidSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public InvalidSpecException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
