package io.softcifar.dataset.rest;

import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.storage.ObjectStoreException;
import jakarta.ws.rs.core.MediaType;
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
        return json(new ApiError(400, "invalid dataset spec", problems));
    }

    @ServerExceptionMapper
    public Response invalidData(InvalidDataException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        String field = colon > 0 ? message.substring(0, colon) : null;
        return json(new ApiError(400, "invalid dataset source",
                List.of(new ApiError.Problem(field, colon > 0 ? message.substring(colon + 2) : message))));
    }

    /** The object store is down or refuses us: not the caller's fault, and worth retrying. */
    @ServerExceptionMapper
    public Response storeUnavailable(ObjectStoreException e) {
        return json(ApiError.of(503, "object store unavailable: " + e.getMessage()));
    }

    private static Response json(ApiError body) {
        return Response.status(body.status()).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
