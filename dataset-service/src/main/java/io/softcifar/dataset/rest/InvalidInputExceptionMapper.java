package io.softcifar.dataset.rest;

import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.rest.ApiError;
import io.softcifar.storage.ObjectStoreException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Invalid specs and unusable source files (HTTP 400, one problem per field or file) and an unavailable store (503). */
@Provider
public class InvalidInputExceptionMapper {

    @ServerExceptionMapper
    public Response invalidSpec(InvalidSpecException e) {
        List<ApiError.Problem> problems = e.errors().stream()
                .map(f -> new ApiError.Problem(f.field(), f.message()))
                .toList();
        return new ApiError(400, "invalid dataset spec", problems).response();
    }

    @ServerExceptionMapper
    public Response invalidData(InvalidDataException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        String field = colon > 0 ? message.substring(0, colon) : null;
        return new ApiError(
                        400,
                        "invalid dataset source",
                        List.of(new ApiError.Problem(field, colon > 0 ? message.substring(colon + 2) : message)))
                .response();
    }

    /** The object store is down or refuses us: not the caller's fault, and worth retrying. */
    @ServerExceptionMapper
    public Response storeUnavailable(ObjectStoreException e) {
        return ApiError.of(503, "object store unavailable: " + e.getMessage()).response();
    }
}
