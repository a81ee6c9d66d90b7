package io.softcifar.contracts.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec (or request) with problems; the message lists every {@link FieldError} on one line, separated by "; ". Over
 * HTTP it is {@link #status()} (400, or 409 for a conflict such as a study id taken) with {@link #title()} as the
 * error and one problem per field (service-common's {@code HttpErrorMappers}).
 */
public class InvalidSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;
    private final int status;
    private final String title;

    public InvalidSpecException(List<FieldError> errors) {
        this(400, "invalid spec", errors);
    }

    public InvalidSpecException(int status, String title, List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** The HTTP status this problem answers with: 400, or 409 for a conflict with what exists. */
    public int status() {
        return status;
    }

    /** The one-line summary of the error body, e.g. "invalid dataset spec". */
    public String title() {
        return title;
    }
}
