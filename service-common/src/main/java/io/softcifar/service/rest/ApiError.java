package io.softcifar.service.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The body of every 4xx/5xx answer of every service: a one-line summary and, for invalid input, one entry per bad
 * field (or file), each with the reason.
 */
public record ApiError(int status, String error, List<Problem> problems) {

    /** A field path such as {@code splitRatios.train} or {@code grid.methods[1]} (or a file) and what is wrong. */
    public record Problem(String field, String message) {}

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }

    /** This error as a JSON response with its status. */
    public Response response() {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(this)
                .build();
    }
}
