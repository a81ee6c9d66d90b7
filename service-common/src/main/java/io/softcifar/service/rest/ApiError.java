package io.softcifar.service.rest;

import io.softcifar.contracts.spec.FieldError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/**
 * The body of every 4xx/5xx answer of every service: the status again, a one-line summary and, for invalid input,
 * one entry per bad field (or file, or header), each with the reason (docs/security.md, "Bounded requests").
 */
public record ApiError(int status, String error, List<Problem> problems) {

    /** A field path such as {@code splitRatios.train} or {@code grid.methods[1]} (or a file) and what is wrong. */
    public record Problem(String field, String message) {}

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }

    /** One problem with one field. */
    public static ApiError of(int status, String error, String field, String message) {
        return new ApiError(status, error, List.of(new Problem(field, message)));
    }

    /** One problem per field error, in their order. */
    public static ApiError of(int status, String error, List<FieldError> errors) {
        return new ApiError(
                status,
                error,
                errors.stream().map(f -> new Problem(f.field(), f.message())).toList());
    }

    /** 400 for a query parameter that is not one of its values. */
    public static Response badParameter(String parameter, String message) {
        return of(400, "invalid query parameter", parameter, message).response();
    }

    /** 404 with {@code message} (e.g. "no run with id 'x'"): what each resource answers for an unknown id. */
    public static Response notFound(String message) {
        return of(404, message).response();
    }

    /** 200 with the value, or {@link #notFound} with {@code message} when there is none. */
    public static Response okOrNotFound(Optional<?> value, String message) {
        return value.map(v -> Response.ok(v).build()).orElseGet(() -> notFound(message));
    }

    /** 409 with {@code message}: the request conflicts with the state of what it names. */
    public static Response conflict(String message) {
        return of(409, message).response();
    }

    /** This error as a JSON response with its status. */
    public Response response() {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(this)
                .build();
    }
}
