package io.softcifar.contracts.spec;

import java.util.List;

/**
 * A request specification whose null fields mean "use the default" and whose checks are semantic, so it is
 * validated as a whole by {@link #validate()} (every problem at once) rather than field by field while decoding.
 */
public interface Spec {

    /** All problems, in field order; empty when the spec (with defaults applied to its null fields) is usable. */
    List<FieldError> validate();

    /** {@link #validate()} as an exception, for callers that cannot go on with an invalid spec. */
    default void requireValid() {
        List<FieldError> errors = validate();
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
    }
}
