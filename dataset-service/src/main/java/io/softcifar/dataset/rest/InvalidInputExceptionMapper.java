package io.softcifar.dataset.rest;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.rest.ApiError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * An unusable source file or download (HTTP 400, the problem under the file or field its message starts with). The
 * one mapper that stays here: only this service reads data files in a request, and service-common does not know
 * ml-core. Invalid specs, an unavailable store and everything else are service-common's {@code HttpErrorMappers}.
 */
@Provider
public class InvalidInputExceptionMapper {

    @ServerExceptionMapper
    public Response invalidData(InvalidDataException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        String field = colon > 0 ? message.substring(0, colon) : "";
        return ApiError.of(400, "invalid dataset source", field, colon > 0 ? message.substring(colon + 2) : message)
                .response();
    }
}
