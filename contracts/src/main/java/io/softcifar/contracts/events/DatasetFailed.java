package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.FieldError;
import java.util.List;

/**
 * A dataset request could not be served: an invalid spec, a missing or corrupt input file, a failed download.
 *
 * @param datasetId null when the request was rejected before a dataset id existed (invalid spec)
 * @param requestId the request's id
 * @param reason    one line a user can act on
 * @param field     the spec field path or input file name the failure is about, if one
 * @param errors    every spec problem when the spec was invalid; empty otherwise
 */
public record DatasetFailed(
        @Nullable String datasetId,
        String requestId,
        String reason,
        @Nullable String field,
        @Nullable List<FieldError> errors)
        implements Event {
    public static final String TYPE = "dataset.failed";

    public DatasetFailed {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
