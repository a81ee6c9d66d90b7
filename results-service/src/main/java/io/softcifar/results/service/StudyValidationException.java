package io.softcifar.results.service;

import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import java.util.List;

/** A study that cannot be accepted; every problem named by its request field (HTTP 400, or 409 for a conflict). */
public class StudyValidationException extends InvalidSpecException {

    public StudyValidationException(int status, List<FieldError> errors) {
        super(status, status == 409 ? "study id taken" : "invalid study", errors);
    }
}
